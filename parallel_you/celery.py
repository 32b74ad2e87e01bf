"""The Celery app (distributed quantum expiry). Configured from Django settings, CELERY_ prefix.

Run a worker with `celery -A parallel_you.celery worker` (`make worker`); its tasks live in
timers/tasks.py and are thin: ids in, one service call.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")

app = Celery("parallel_you")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
