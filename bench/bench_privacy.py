"""Recall and precision of the personal-data scanner on the labelled corpus, per category.

    python bench/bench_privacy.py [--show-missed]

The corpus is ``tests/data/privacy_corpus.yml`` (leaks as court news, announcements and
hearing agendas write them; harmless court news scanned as if in a divorce item). The
baseline is the corpus itself: every leak caught and no harmless sentence flagged.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.privacy_corpus import RULES, evaluate, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-missed", action="store_true", help="print what was missed")
    args = parser.parse_args()
    entries, settings = load()
    started = time.perf_counter()
    figures = evaluate(entries, settings)
    elapsed = time.perf_counter() - started
    print(
        f"{'category':24} {'leaks':>6} {'caught':>7} {'flagged-clean':>14} "
        f"{'recall':>7} {'precision':>10}"
    )
    for category in RULES:
        f = figures[category]
        total = f.caught + len(f.missed)
        print(
            f"{category:24} {total:6d} {f.caught:7d} {len(f.false_positives):14d} "
            f"{f.recall:7.1%} {f.precision:10.1%}"
        )
    caught = sum(figures[c].caught for c in RULES)
    missed = sum(len(figures[c].missed) for c in RULES)
    wrong = sum(len(f.false_positives) for c, f in figures.items() if c.startswith("clean:"))
    clean = sum(1 for e in entries if not e.leak)
    total_recall = caught / (caught + missed)
    print(
        f"{'all':24} {caught + missed:6d} {caught:7d} {wrong:14d} {total_recall:7.1%} "
        f"{caught / (caught + wrong) if caught + wrong else 1:10.1%}"
    )
    for category, f in figures.items():
        if category.startswith("clean:"):
            print(f"{category:24} {'':6} {'':7} {len(f.false_positives):14d}")
    print(f"{len(entries)} sentences ({clean} harmless) scanned in {elapsed:.2f}s")
    if args.show_missed:
        for category in RULES:
            for text in figures[category].missed:
                print(f"missed {category}: {text}")


if __name__ == "__main__":
    main()
