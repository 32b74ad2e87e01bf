from django.urls import path

from timers import views

app_name = "timers"

urlpatterns = [
    path("<str:thread_id>/", views.detail, name="detail"),
    path("<str:thread_id>/start/", views.start, name="start"),
    path("<str:thread_id>/pause/", views.pause, name="pause"),
    path("<str:thread_id>/resume/", views.resume, name="resume"),
    path("<str:thread_id>/extend/", views.extend, name="extend"),
    path("<str:thread_id>/stop/", views.stop, name="stop"),
    path("<str:thread_id>/again/", views.again, name="again"),
    path("<str:thread_id>/break/", views.take_break, name="break"),
    path("<str:thread_id>/tune/", views.tune, name="tune"),
]
