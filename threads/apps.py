from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "threads"

    def ready(self) -> None:
        from parallel_you import consistency, events
        from threads import consistency as threads_consistency
        from threads import events as threads_events

        events.register(*threads_events.MESSAGES)
        consistency.register_check(threads_consistency.check_threads)
