from django.urls import include, path

from parallel_you.views import favicon, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("sprints/", include("sprints.urls")),
    path("timers/", include("timers.urls")),
    path("", include("threads.urls")),
]
