"""The labelled personal-data corpus (``tests/data/privacy_corpus.yml``) and its figures.

Shared by ``tests/test_privacy_corpus.py`` (which holds the targets) and
``bench/bench_privacy.py`` (which prints recall and precision per category).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import ReviewSettings
from pipeline.content.privacy import scan_text

CORPUS = Path(__file__).parent / "data" / "privacy_corpus.yml"

#: Leak category → the rule that must fire.
RULES = {
    "nik": "privacy.nik",
    "phone": "privacy.phone",
    "email": "privacy.email",
    "party-name": "privacy.party-name",
}


@dataclass(frozen=True)
class Entry:
    category: str
    text: str
    case_type: str
    leak: bool


@dataclass
class Figures:
    """Counts of one category (leaks: caught/missed; clean: flagged)."""

    caught: int = 0
    missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = self.caught + len(self.missed)
        return self.caught / total if total else 1.0

    @property
    def precision(self) -> float:
        flagged = self.caught + len(self.false_positives)
        return self.caught / flagged if flagged else 1.0


def load(path: Path = CORPUS) -> tuple[list[Entry], ReviewSettings]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings = ReviewSettings(**data["settings"])
    entries: list[Entry] = []
    for leak, section in ((True, "leaks"), (False, "clean")):
        default_case = "" if leak else data["clean_case_type"]
        for category, items in data[section].items():
            for item in items:
                text, case_type = (
                    (item, default_case)
                    if isinstance(item, str)
                    else (item["text"], item.get("case_type", default_case))
                )
                entries.append(Entry(category, text, case_type, leak))
    return entries, settings


def evaluate(entries: list[Entry], settings: ReviewSettings) -> dict[str, Figures]:
    """Figures per leak category (``RULES``) and per clean category."""
    figures: dict[str, Figures] = {category: Figures() for category in RULES}
    for entry in entries:
        hits = [h for h in scan_text(entry.text, settings, case_type=entry.case_type)]
        rules = {hit.rule for hit in hits if hit.severity.value == "error"}
        if entry.leak:
            if RULES[entry.category] in rules:
                figures[entry.category].caught += 1
            else:
                figures[entry.category].missed.append(entry.text)
        else:
            for category, rule in RULES.items():
                if rule in rules:
                    figures[category].false_positives.append(entry.text)
            figures.setdefault("clean:" + entry.category, Figures())
            if rules:
                figures["clean:" + entry.category].false_positives.append(entry.text)
    return figures
