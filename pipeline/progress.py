"""A small progress seam: use cases report, the CLI draws (with rich)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress of long work. Implementations must be cheap."""

    def start(self, task: str, total: int | None = None) -> None:
        """A new phase begins; ``total`` steps if known."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current phase are done."""


class NoProgress:
    """Progress that goes nowhere (tests, JSON output, libraries)."""

    def start(self, task: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass
