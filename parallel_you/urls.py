from django.urls import include, path

from parallel_you.api import api_urls
from parallel_you.views import favicon, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", api_urls()),
    path("accounts/", include("accounts.urls")),
    path("sprints/", include("sprints.urls")),
    path("timers/", include("timers.urls")),
    path("pace/", include("pace.urls")),
    path("", include("threads.urls")),
]
