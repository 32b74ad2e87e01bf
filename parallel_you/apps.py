from django.apps import AppConfig


class ParallelYouConfig(AppConfig):
    name = "parallel_you"
    verbose_name = "Parallel You"

    def ready(self) -> None:
        from django.contrib.sessions.models import Session
        from django.db.models.signals import post_delete

        from parallel_you import live_sessions

        post_delete.connect(live_sessions.session_deleted, sender=Session, dispatch_uid="live-sessions")
