"""The case page lists every notification of the case, through this tag."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from cdop.cases.models import Case
from cdop.notifications.models import Notification
from cdop.notifications.selectors import notifications_of_case

register = template.Library()


@register.simple_tag
def case_notifications(case: Case) -> QuerySet[Notification]:
    return notifications_of_case(case=case)
