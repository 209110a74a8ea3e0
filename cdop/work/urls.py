from __future__ import annotations

from django.urls import path

from cdop.work import views

app_name = "work"
urlpatterns = [
    path("", views.my_work, name="mine"),
    path("team/", views.team_work, name="team"),
    path("team/held-up/", views.team_held_up, name="held_up"),
    path("cases/<str:reference>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/assign/", views.task_assign_view, name="task_assign"),
    path("tasks/<int:pk>/complete/", views.task_complete_view, name="task_complete"),
]
