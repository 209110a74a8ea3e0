from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.familyvoice import public_views

app_name = "familyvoice_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.start, name="start"),
    path("what-you-have-written/", public_views.words, name="words"),
    path("add-a-question/", public_views.add_question, name="add_question"),
    path("add-what-you-want-us-to-know/", public_views.add_view, name="add_view"),
    path("<int:number>/change/", public_views.change, name="change"),
    path("<int:number>/remove/", public_views.remove, name="remove"),
    path("send/", public_views.check, name="check"),
    path("sent/", public_views.sent, name="sent"),
]
