from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.meetings import views

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.meeting_list, name="list"),
    path("new/<str:kind>/", views.meeting_new, name="new"),
    path("quorum/<slug:area_slug>/", views.quorum_rule, name="quorum"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/change/", views.meeting_change, name="change"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_id>/held/", views.meeting_held, name="held"),
    path("<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_id>/invitees/add/", views.invitee_add, name="invitee_add"),
    path(
        "<int:meeting_id>/invitees/<int:invitee_id>/change/",
        views.invitee_change,
        name="invitee_change",
    ),
    path(
        "<int:meeting_id>/invitees/<int:invitee_id>/remove/",
        views.invitee_remove,
        name="invitee_remove",
    ),
    path("<int:meeting_id>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/items/<int:item_id>/", views.item_detail, name="item"),
    path("<int:meeting_id>/items/<int:item_id>/triage/", views.item_triage, name="item_triage"),
    path("<int:meeting_id>/items/<int:item_id>/move/", views.agenda_move, name="item_move"),
    path("<int:meeting_id>/items/<int:item_id>/remove/", views.agenda_remove, name="item_remove"),
    path(
        "<int:meeting_id>/items/<int:item_id>/discussed/",
        views.item_discussed,
        name="item_discussed",
    ),
]
