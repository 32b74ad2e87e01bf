from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("sprints/", include("sprints.urls")),
    path("timers/", include("timers.urls")),
    path("", include("threads.urls")),
]
