"""A one-method plan made on the spot, to run a single method without writing a plan."""

from __future__ import annotations

import datetime as dt

from sessionkit.core.method import Method
from sessionkit.core.plan import AgendaItem, Day, Plan


def adhoc_plan(method: Method, now: dt.datetime | None = None) -> Plan:
    """A plan holding just ``method``, starting now (to the minute), in memory only."""
    now = now or dt.datetime.now()
    start = dt.time(now.hour, now.minute)
    if start >= dt.time(23, 58):
        start = dt.time(23, 0)  # a day must end after it starts; keep clear of midnight
    end_minutes = min(23 * 60 + 59, now.hour * 60 + now.minute + method.total_minutes)
    end = dt.time(end_minutes // 60, end_minutes % 60)
    if end <= start:
        end = dt.time(23, 59)
    return Plan(
        id=method.id,
        title=method.name,
        purpose=method.summary,
        days=[Day(start=start, end=end, agenda=[AgendaItem(method=method.id)])],
    )
