from django.apps import AppConfig


class TimersConfig(AppConfig):
    name = "timers"
    verbose_name = "Timers"

    def ready(self) -> None:
        from parallel_you.lifespan import on_shutdown, on_startup
        from timers.lifecycle import scheduler_shutdown, scheduler_startup

        on_startup(scheduler_startup)
        on_shutdown(scheduler_shutdown)
