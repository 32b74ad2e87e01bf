from django.urls import path

from timers import views

app_name = "timers"

urlpatterns = [
    path("<str:thread_id>/start/", views.start, name="start"),
    path("<str:thread_id>/stop/", views.stop, name="stop"),
]
