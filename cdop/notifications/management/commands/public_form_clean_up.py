"""Delete what the public form leaves behind once it has expired: unfinished notifications
(drafts) older than a day and the counters of rate-limit windows that are over.

django-tasks has no schedule of its own, so a deployment runs this from cron, say hourly:

    15 * * * *  cd /srv/cdop && .venv/bin/python manage.py public_form_clean_up
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cdop.core.ratelimit import ratelimit_counters_delete_expired
from cdop.notifications.services import notification_drafts_delete_expired


class Command(BaseCommand):
    help = "Delete expired notification drafts and finished rate-limit counters."

    def handle(self, *args: Any, **options: Any) -> None:
        drafts = notification_drafts_delete_expired()
        counters = ratelimit_counters_delete_expired()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Deleted {drafts} expired draft notification(s) and {counters} "
                "finished rate-limit counter(s)."
            )
