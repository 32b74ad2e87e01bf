"""Thread pages: the board, the archive, energy bands, and each thread's page and actions."""

from django.urls import path

from threads import views

app_name = "threads"

urlpatterns = [
    path("", views.board, name="board"),
    path("archive/", views.archive, name="archive"),
    path("energy-bands/", views.energy_bands, name="energy_bands"),
    path("energy-bands/<str:band_id>/", views.energy_band_change, name="energy_band_change"),
    path("energy-bands/<str:band_id>/remove/", views.energy_band_remove, name="energy_band_remove"),
    path("threads/new/", views.thread_new, name="new"),
    path("threads/<str:thread_id>/", views.thread_detail, name="detail"),
    path("threads/<str:thread_id>/card/", views.thread_card, name="card"),
    path("threads/<str:thread_id>/edit/", views.thread_edit, name="edit"),
    path("threads/<str:thread_id>/block/", views.thread_block, name="block"),
    path("threads/<str:thread_id>/transition/", views.thread_transition, name="transition"),
    path("threads/<str:thread_id>/delete/", views.thread_delete, name="delete"),
]
