"""Sprint URLs: the list, one sprint's planning page and actions, the active sprint's board."""

from django.urls import path

from sprints import views

app_name = "sprints"

urlpatterns = [
    path("", views.sprint_list_page, name="list"),
    path("new/", views.sprint_new, name="new"),
    path("board/", views.sprint_board, name="active_board"),
    path("<str:sprint_id>/", views.sprint_detail, name="detail"),
    path("<str:sprint_id>/edit/", views.sprint_edit, name="edit"),
    path("<str:sprint_id>/delete/", views.sprint_delete, name="delete"),
    path("<str:sprint_id>/capacity/", views.capacity_set, name="capacity"),
    path("<str:sprint_id>/items/add/", views.item_add, name="item_add"),
    path("<str:sprint_id>/items/reorder/", views.items_reorder, name="items_reorder"),
    path("<str:sprint_id>/items/<str:thread_id>/remove/", views.item_remove, name="item_remove"),
    path("<str:sprint_id>/items/<str:thread_id>/move/", views.item_move, name="item_move"),
    path("<str:sprint_id>/items/<str:thread_id>/estimate/", views.item_estimate, name="item_estimate"),
    path("<str:sprint_id>/start/", views.sprint_start, name="start"),
    path("<str:sprint_id>/close/", views.sprint_close, name="close"),
    path("<str:sprint_id>/summary/", views.sprint_summary, name="summary"),
    path("<str:sprint_id>/burndown/", views.burndown, name="burndown"),
]
