"""Which snapshots ``warta backup prune`` keeps (restic's ``forget --keep-*`` semantics).

Snapshots are walked newest first. Each rule counts buckets (a day, an ISO week, a
month, or each snapshot for ``last``): the newest snapshot of a bucket not seen yet is
kept while the rule has count left. A snapshot kept by any rule stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo


@dataclass(frozen=True)
class KeepPolicy:
    last: int = 0
    daily: int = 0
    weekly: int = 0
    monthly: int = 0

    @property
    def empty(self) -> bool:
        return not (self.last or self.daily or self.weekly or self.monthly)


def apply(
    snapshots: Sequence[tuple[str, datetime]], policy: KeepPolicy, zone: tzinfo
) -> dict[str, list[str]]:
    """Snapshot id → the rules that keep it (ids absent from the result are forgotten)."""
    rules: list[tuple[str, int, Callable[[datetime, int], object]]] = [
        ("last", policy.last, lambda _t, n: n),
        ("daily", policy.daily, lambda t, _n: t.date()),
        ("weekly", policy.weekly, lambda t, _n: t.isocalendar()[:2]),
        ("monthly", policy.monthly, lambda t, _n: (t.year, t.month)),
    ]
    counts = [count for _, count, _ in rules]
    lasts: list[object] = [None] * len(rules)
    kept: dict[str, list[str]] = {}
    ordered = sorted(snapshots, key=lambda s: s[1], reverse=True)
    for number, (snapshot_id, moment) in enumerate(ordered):
        local = moment.astimezone(zone)
        for i, (name, _count, bucket) in enumerate(rules):
            if counts[i] <= 0:
                continue
            value = bucket(local, number)
            if value != lasts[i]:
                lasts[i] = value
                counts[i] -= 1
                kept.setdefault(snapshot_id, []).append(name)
    return kept
