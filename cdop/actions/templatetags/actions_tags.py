from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from cdop.actions.presenters import action_status_tag as _action_status_tag

register = template.Library()


@register.simple_tag
def action_status_tag(status: str, overdue: bool = False) -> SafeString:
    """An action's status as a tag (cdop.actions.presenters, as the tracker's rows show it)."""
    return _action_status_tag(status, overdue)
