"""Findings: what a check reports about one place in one file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """``error`` blocks submission and publication; ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Hit:
    """A match found by a text scanner, located within the scanned text."""

    line: int
    """1-based line within the scanned text."""
    rule: str
    """Dotted rule id, e.g. ``privacy.nik``."""
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Finding:
    """One finding of ``warta review``, located as ``file:line``."""

    where: str
    rule: str
    severity: Severity
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "where": self.where,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }
