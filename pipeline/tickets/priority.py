"""Priority from impact × urgency (the ITIL matrix), and request versus incident."""

from __future__ import annotations

from collections.abc import Mapping

LEVELS = ("high", "medium", "low")
PRIORITIES = ("P1", "P2", "P3", "P4")

#: impact → urgency → priority (ITIL's 3×3 matrix folded onto four priorities).
DEFAULT_MATRIX: dict[str, dict[str, str]] = {
    "high": {"high": "P1", "medium": "P2", "low": "P3"},
    "medium": {"high": "P2", "medium": "P3", "low": "P4"},
    "low": {"high": "P3", "medium": "P4", "low": "P4"},
}


def priority(impact: str, urgency: str, matrix: Mapping[str, Mapping[str, str]]) -> str:
    """The priority of a ticket with this impact and urgency."""
    if impact not in LEVELS or urgency not in LEVELS:
        raise ValueError(f"impact and urgency are one of {', '.join(LEVELS)}")
    return matrix[impact][urgency]


def check_matrix(matrix: Mapping[str, Mapping[str, str]]) -> None:
    """Raise ValueError unless every impact × urgency has a known priority."""
    for impact in LEVELS:
        row = matrix.get(impact)
        if row is None:
            raise ValueError(f"impact {impact!r} is missing")
        for urgency in LEVELS:
            if row.get(urgency) not in PRIORITIES:
                raise ValueError(
                    f"{impact} impact × {urgency} urgency must be one of {', '.join(PRIORITIES)}"
                )
    extra = set(matrix) - set(LEVELS) | {u for r in matrix.values() for u in r} - set(LEVELS)
    if extra:
        raise ValueError(f"unknown level(s) {', '.join(sorted(extra))}; use high, medium, low")
