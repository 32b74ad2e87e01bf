from django.apps import AppConfig


class SprintsConfig(AppConfig):
    name = "sprints"

    def ready(self) -> None:
        from parallel_you import consistency, events
        from sprints import consistency as sprints_consistency
        from sprints import events as sprints_events

        events.register(*sprints_events.MESSAGES)
        consistency.register_check(sprints_consistency.check_sprints)
