from django.apps import AppConfig


class TimersConfig(AppConfig):
    name = "timers"
    verbose_name = "Timers"

    def ready(self) -> None:
        from parallel_you import events
        from parallel_you.lifespan import on_shutdown, on_startup
        from timers import events as timers_events
        from timers.lifecycle import scheduler_shutdown, scheduler_startup

        events.register(*timers_events.MESSAGES)
        on_startup(scheduler_startup)
        on_shutdown(scheduler_shutdown)
