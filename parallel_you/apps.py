from django.apps import AppConfig


class ParallelYouConfig(AppConfig):
    name = "parallel_you"
    verbose_name = "Parallel You"

    def ready(self) -> None:
        from parallel_you import checks, startup  # noqa: F401  (registers the checks and lifespan hooks)
