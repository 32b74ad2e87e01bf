from django.apps import AppConfig


class TimersConfig(AppConfig):
    name = "timers"

    def ready(self) -> None:
        from parallel_you import events
        from timers import events as timers_events

        events.register(*timers_events.MESSAGES)
