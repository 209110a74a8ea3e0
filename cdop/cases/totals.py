"""Each area's totals that busy pages show, kept a minute in the shared cache.

Team work shows the open tasks, overdue clocks and open cases by stage; My work the tasks of
the person's roles; the case list how many cases there are. Counting them read thousands of
index entries on every opening (about 3 ms of PostgreSQL's time for Team work at 20,000
cases), so each area's are kept for AREA_TOTALS_SECONDS, shared by every process. A task,
clock or case saved or deleted forgets its area's totals (cdop.work.apps and cdop.cases.apps
connect the signals) when its transaction commits, and its own transaction counts afresh
until then (cdop.core.kept), so what someone just did shows at once; a clock that falls
overdue by the passing of time, or rows written in bulk without signals, show within the
minute (decision 70).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection

from cdop.accounts import permissions
from cdop.cases.workflow import OPEN
from cdop.core.db import fetch_rows
from cdop.core.kept import kept_forget, kept_pending

AREA_TOTALS_SECONDS = 60
_AREA_TOTALS_KEY = "cases:area-totals:v2:{}"


def area_totals_forget(area_id: int | None) -> None:
    """Forget an area's totals (cdop.core.kept: at once, or when the transaction commits)."""
    if area_id is not None:
        kept_forget(_AREA_TOTALS_KEY.format(area_id))


def area_totals(areas: list[int], now: datetime.datetime) -> dict[int, dict[str, Any]]:
    """For each area: all its cases, its open tasks, overdue clocks (all, and of the
    safeguarding kinds), open cases by stage, and open tasks given to a role and to nobody by
    name, by role (all, and those due before `now`). Read from
    the cache, and the missing areas' in one fixed statement (cdop.core.db.fetch_rows), each
    count one index range."""
    keys = {_AREA_TOTALS_KEY.format(a): a for a in areas}
    # This transaction's own writes not yet committed: those areas counted afresh, not kept.
    pending = kept_pending(keys)
    cached = cache.get_many([key for key in keys if key not in pending])
    found = {keys[key]: value for key, value in cached.items()}
    missing = [a for a in areas if a not in found]
    if not missing:
        return found
    in_areas = ", ".join(["%s"] * len(missing))
    statuses = sorted(OPEN)
    hidden = sorted(permissions.SAFEGUARDING_CLOCK_KINDS)
    at = connection.ops.adapt_datetimefield_value(now)
    params: list[object] = [
        *(missing + missing),
        at,
        *missing,
        at,
        *hidden,
        *missing,
        *statuses,
        *missing,
        *missing,
        *missing,
        at,
    ]
    # Only placeholders are formatted in; the values go as parameters.
    sql = (
        "SELECT 'tasks', area_id, '', COUNT(*) FROM cases_task"  # noqa: S608
        f" WHERE completed_at IS NULL AND area_id IN ({in_areas}) GROUP BY area_id"
        " UNION ALL SELECT 'clocks', area_id, '', COUNT(*) FROM clocks_clock"
        f" WHERE stopped_at IS NULL AND area_id IN ({in_areas}) AND due_at < %s GROUP BY area_id"
        " UNION ALL SELECT 'hidden', area_id, '', COUNT(*) FROM clocks_clock"
        f" WHERE stopped_at IS NULL AND area_id IN ({in_areas}) AND due_at < %s"
        f" AND kind IN ({', '.join(['%s'] * len(hidden))}) GROUP BY area_id"
        " UNION ALL SELECT 'stage', area_id, status, COUNT(*) FROM cases_case"
        f" WHERE area_id IN ({in_areas}) AND status IN ({', '.join(['%s'] * len(statuses))})"
        " GROUP BY area_id, status"
        " UNION ALL SELECT 'role', area_id, assigned_role, COUNT(*) FROM cases_task"
        f" WHERE completed_at IS NULL AND area_id IN ({in_areas}) AND assigned_to_id IS NULL"
        " GROUP BY area_id, assigned_role"
        " UNION ALL SELECT 'cases', area_id, '', COUNT(*) FROM cases_case"
        f" WHERE area_id IN ({in_areas}) GROUP BY area_id"
        " UNION ALL SELECT 'overdue_role', area_id, assigned_role, COUNT(*) FROM cases_task"
        f" WHERE completed_at IS NULL AND area_id IN ({in_areas}) AND assigned_to_id IS NULL"
        " AND due_at < %s GROUP BY area_id, assigned_role"
    )
    fresh: dict[int, dict[str, Any]] = {
        a: {
            "cases": 0,
            "tasks": 0,
            "clocks": 0,
            "hidden": 0,
            "stages": {},
            "roles": {},
            "overdue_roles": {},
        }
        for a in missing
    }
    for what, area_id, status, count in fetch_rows(sql, params):
        if what == "stage":
            fresh[area_id]["stages"][status] = count
        elif what == "role":
            fresh[area_id]["roles"][status] = count
        elif what == "overdue_role":
            fresh[area_id]["overdue_roles"][status] = count
        else:
            fresh[area_id][what] = count
    stored = {key: fresh[a] for key, a in keys.items() if a in fresh and key not in pending}
    cache.set_many(stored, AREA_TOTALS_SECONDS)
    return {**found, **fresh}
