"""Bench: publishing at scale, warta beside plain mkdocs-material on the same content.

Generates one site of N news articles and M static pages (default 5,000 and 50) and,
in the same run, for plain mkdocs-material (its blog plugin for the news, no warta
plugin) and for ``warta publish``:

- the full build time;
- the output size;
- adding one article (the newest) and building again: the rebuild time and the share
  of the output bytes that changed — what a deploy uploads, since it compares every
  object's content with what is already in the bucket.

Prints each figure for plain and warta and their ratio. Usage:
    python bench/bench_scale.py [--articles 5000] [--pages 50] [--show-changed]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from site_gen import add_article, generate, timed


def digests(site: Path) -> dict[str, tuple[int, bytes]]:
    """Relative path → (size, sha256) of every file of a built site."""
    out = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = (len(data), hashlib.sha256(data).digest())
    return out


def changed(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> list[str]:
    """Files a deploy uploads: new, or with other bytes."""
    return sorted(rel for rel, value in after.items() if before.get(rel) != value)


def measure(root: Path, build: list[str], out: str, articles: int) -> dict[str, object]:
    first = timed(build, root)
    before = digests(root / out)
    add_article(root, articles)
    second = timed(build, root)
    after = digests(root / out)
    files = changed(before, after)
    total = sum(size for size, _digest in after.values())
    moved = sum(after[rel][0] for rel in files)
    return {
        "build": first,
        "rebuild": second,
        "files": len(after),
        "bytes": total,
        "changed_files": files,
        "changed_bytes": moved,
        "share": moved / total,
        "sizes": {rel: after[rel][0] for rel in files},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--show-changed", action="store_true", help="list what changed")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="warta-scale-") as tmp:
        plain_root = generate(Path(tmp) / "plain", args.articles, args.pages, warta_plugin=False)
        ours_root = generate(Path(tmp) / "warta", args.articles, args.pages, warta_plugin=True)
        plain = measure(
            plain_root, [py, "-m", "mkdocs", "build", "-q", "-d", "site"], "site", args.articles
        )
        ours = measure(ours_root, [py, "-m", "pipeline", "publish"], "site", args.articles)
    print(f"{'figure':<32} {'plain':>12} {'warta':>12} {'warta/plain':>12}")
    rows = [
        ("full build (s)", plain["build"], ours["build"], "{:.1f}"),
        ("rebuild after one article (s)", plain["rebuild"], ours["rebuild"], "{:.1f}"),
        ("output files", plain["files"], ours["files"], "{:d}"),
        ("output (MB)", plain["bytes"] / 1e6, ours["bytes"] / 1e6, "{:.1f}"),  # type: ignore[operator]
        ("changed files", len(plain["changed_files"]), len(ours["changed_files"]), "{:d}"),  # type: ignore[arg-type]
        ("changed (MB)", plain["changed_bytes"] / 1e6, ours["changed_bytes"] / 1e6, "{:.2f}"),  # type: ignore[operator]
        ("changed share (%)", plain["share"] * 100, ours["share"] * 100, "{:.2f}"),  # type: ignore[operator]
    ]
    for name, a, b, fmt in rows:
        ratio = b / a if a else float("nan")  # type: ignore[operator]
        print(f"{name:<32} {fmt.format(a):>12} {fmt.format(b):>12} {ratio:>12.3f}")
    if args.show_changed:
        for label, result in (("plain", plain), ("warta", ours)):
            sizes: dict[str, int] = result["sizes"]  # type: ignore[assignment]
            print(f"\n{label}: largest changed files")
            for rel in sorted(sizes, key=sizes.__getitem__, reverse=True)[:25]:
                print(f"  {sizes[rel]:>10}  {rel}")


if __name__ == "__main__":
    main()
