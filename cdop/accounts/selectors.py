from __future__ import annotations

from cdop.accounts.models import Role, User
from cdop.areas.models import Area

# Who hears about a new or transferred notification: the people who triage them.
TEAM_ALERT_ROLES = (Role.ADMINISTRATOR, Role.CDR_MANAGER)


def team_alert_emails(*, area: Area) -> list[str]:
    """The email addresses of the active administrators and CDR managers of an area."""
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                memberships__area=area,
                memberships__role__in=TEAM_ALERT_ROLES,
            ).values_list("email", flat=True)
        )
    )
