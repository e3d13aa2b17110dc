"""The four workflows of SOP 3 as data: steps, roles, due working day, documents.

The defaults (:data:`DEFAULTS`, from :mod:`pipeline.tickets.sop`) are the SOP's own
table; a site changes the role, the due day or the documents of a step in
``tickets.workflows`` of ``warta.yml`` (see :func:`merge`), validated when the
configuration is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.tickets import sop

LETTERS = ("A", "B", "C", "D")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Frozen):
    """A text in Indonesian and English."""

    id: str
    en: str = ""

    def get(self, language: str) -> str:
        """The text in ``language`` (English falls back to Indonesian)."""
        return (self.en or self.id) if language == "en" else self.id


class CheckItem(_Frozen):
    """One item of a step's checklist."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    label: Text


class Step(_Frozen):
    """One step of a workflow."""

    id: str = Field(pattern=r"^[A-D][1-9]$")
    title: Text
    roles: tuple[str, ...] = Field(min_length=1)
    """Any one of these roles may do the step."""
    day: int = Field(ge=1)
    """Working day on which the step is due, counted from the ticket's start."""
    input: Text
    output: Text
    decision: bool = False
    """A yes/no step: the ticket may be rejected here."""
    priority: bool = False
    """The step sets impact and urgency (and so the priority)."""
    checklist: tuple[CheckItem, ...] = ()
    """Items that must all be answered before the step is done."""
    note: Text | None = None
    """What the note of this step records; when set, the note is required."""


class Workflow(_Frozen):
    """One section of SOP 3."""

    letter: str = Field(pattern=r"^[A-D]$")
    title: Text
    recurring: bool = False
    """Opened automatically once a month."""
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Workflow:
        expected = [f"{self.letter}{n}" for n in range(1, len(self.steps) + 1)]
        if [s.id for s in self.steps] != expected:
            raise ValueError(f"workflow {self.letter}: steps must be {', '.join(expected)}")
        for before, after in zip(self.steps, self.steps[1:], strict=False):
            if after.day < before.day:
                raise ValueError(
                    f"{after.id} is due on day {after.day}, before {before.id} (day "
                    f"{before.day}): a step cannot be due before the one it follows"
                )
        return self

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if any."""
        return next((s for s in self.steps if s.id == step_id), None)

    def after(self, step_id: str) -> Step | None:
        """The step that follows ``step_id`` (None after the last)."""
        ids = [s.id for s in self.steps]
        index = ids.index(step_id) + 1
        return self.steps[index] if index < len(self.steps) else None


DEFAULTS: dict[str, Workflow] = {
    letter: Workflow.model_validate(data) for letter, data in sop.WORKFLOWS.items()
}


def merge(overrides: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, Workflow]:
    """The SOP defaults with a site's overrides (``{letter: {step: {field: value}}}``).

    Raises ValueError naming the workflow and step when an override does not fit.
    """
    merged = dict(DEFAULTS)
    for letter, steps in overrides.items():
        if letter not in DEFAULTS:
            raise ValueError(f"unknown workflow {letter!r}; known: {', '.join(LETTERS)}")
        base = DEFAULTS[letter].model_dump()
        for step_id, changes in steps.items():
            target = next((s for s in base["steps"] if s["id"] == step_id), None)
            if target is None:
                known = ", ".join(s["id"] for s in base["steps"])
                raise ValueError(f"workflow {letter} has no step {step_id!r}; known: {known}")
            target.update({k: v for k, v in changes.items() if v is not None})
        merged[letter] = Workflow.model_validate(base)
    return merged
