from django.apps import AppConfig


class PaceConfig(AppConfig):
    """Sustainable pace: one fatigue clock per person, breaks that count, daily caps per energy band."""

    name = "pace"
    verbose_name = "Pace"

    def ready(self) -> None:
        from pace import day_events
        from pace import events as pace_events
        from parallel_you import events

        events.register(*pace_events.MESSAGES)
        events.register(*day_events.MESSAGES)
