from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from cdop.accounts.models import User
from cdop.cases.models import Case


@task()
def family_key_worker_tell(*, case_id: int, user_id: int) -> int:
    """Tell a new key worker they have a family to support: a link only. An email can go
    astray, so it carries nothing about the child or the family."""
    case = Case.objects.get(pk=case_id)
    user = User.objects.get(pk=user_id)
    if case.key_worker_id != user.pk or not user.is_active:
        return 0  # changed again before the email went: nothing to tell
    link = settings.SITE_URL.rstrip("/") + reverse(
        "family:overview", kwargs={"reference": case.reference}
    )
    send_mail(
        subject="You are the key worker for a family",
        message=(
            f"Hello {user.get_short_name()},\n\n"
            "You have been made the key worker for a family whose child has died.\n\n"
            f"Sign in to read about the case and the family: {link}\n\n"
            "This email contains no personal details on purpose. Do not forward case "
            "details by email."
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return 1
