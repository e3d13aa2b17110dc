"""A ticket's standing as the desk's tables show it: plain strings made in Python, once.

The queue and the home page list up to a hundred tickets; written with template macros
(a call per cell) a queue page spent most of its time in Jinja2's call machinery. Each
row is made here instead, with the texts of :mod:`pipeline.desk.texts`, and the templates
only print its fields (escaped as every value is). The ticket page uses the same row for
its step and due date, so the wording lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.commands.desk import Standing
from pipeline.desk.texts import text


@dataclass(frozen=True, slots=True)
class Row:
    """One ticket's line in a table."""

    id: int
    title: str
    kind: str
    """"permintaan" / "insiden" (request / incident)."""
    status: str
    priority: str
    step: str
    """"B3 — Title of the step", or "—" when no step is current (closed)."""
    holders: str
    due: str
    """Working days left, "today", or how late; "—" when nothing is due."""
    late: bool


DASH = "—"


def row(standing: Standing, language: str) -> Row:
    """The row of ``standing`` in ``language`` (``id`` or ``en``)."""
    ticket = standing.ticket
    step = standing.step
    days = standing.due_days
    if days is None:
        due = DASH
    elif days > 0:
        due = text("due_in", language, n=days)
    elif days == 0:
        due = text("due_today", language)
    else:
        due = text("due_late", language, n=-days)
    return Row(
        id=ticket.id,
        title=ticket.title,
        kind=text(f"kind_{ticket.kind}", language),
        status=text(f"status_{ticket.status}", language),
        priority=ticket.priority or DASH,
        step=f"{step.id} — {step.title.get(language)}" if step is not None else DASH,
        holders=", ".join(standing.holders) or DASH,
        due=due,
        late=days is not None and days < 0,
    )


def rows(standings: list[Standing], language: str) -> list[Row]:
    """The rows of a table, in order."""
    return [row(s, language) for s in standings]
