from django.apps import AppConfig


class ParallelYouConfig(AppConfig):
    name = "parallel_you"
    verbose_name = "Parallel You"
