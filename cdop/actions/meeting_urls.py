"""What the chair records from an agenda item, at
/staff/meetings/<meeting_id>/items/<item_id>/actions/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.actions import views

app_name = "actions_meeting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.item_actions, name="list"),
    path("add/", views.item_action_add, name="add"),
    path("escalations/add/", views.item_escalate, name="escalate"),
    path("escalations/<int:pk>/reply/", views.item_escalation_reply, name="escalation_reply"),
]
