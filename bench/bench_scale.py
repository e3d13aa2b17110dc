"""Bench: publishing at scale, warta beside plain mkdocs-material and Hugo, same posts.

Generates one site of N news articles and M static pages (default 5,000 and 50) with
realistic posts (``site_gen.py``: tags from a vocabulary, summaries and bodies of real
length, photos and PDF attachments, ten years of dates; ``--clone DIR`` copies the
posts of an existing project such as the example site instead), and in the same run,
for plain mkdocs-material (its blog and tags plugins, no warta plugin), for Hugo (from
Debian, with the minimal theme in ``bench/hugo-theme``) and for ``warta publish``:

- the full build: seconds (wall and CPU) and peak memory (the largest resident set of
  the build and its processes: the conversion and rendering children, Pagefind);
- one new article (the newest) and the build after it: seconds, and the share of the
  output bytes that changed — what a deploy uploads, since it compares every object's
  content with what is already in the bucket;
- for warta, the publish after each kind of change (add, edit, withdraw, release from
  embargo) and whether its output is byte-identical to a full build of the same
  content; and ``warta review`` of one draft.

The machine is shared: compare the ratios measured in one run, not absolute times.
Usage:
    python bench/bench_scale.py [--articles 5000] [--pages 50] [--clone DIR]
        [--no-plain] [--no-hugo] [--show-changed] [--curve 1000,5000,10000,20000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from site_gen import add_article, copy_into_hugo, edit_article, embargo_article, generate, hugo_site

HERE = Path(__file__).parent

NOW = "2027-01-15T08:00:00+08:00"  # after every generated date: every post is live
WITHDRAW = ["--reason", "bench", "--as", "hasan", "--now", NOW]
LATER = "2027-01-16T08:00:00+08:00"  # when the embargoed article is released
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ROOT = HERE.parent
if "PYTHONPATH" not in os.environ:
    ENV["PYTHONPATH"] = str(ROOT)  # this checkout's pipeline, in every subprocess


# A process started from this one inherits its peak RSS as a floor (Linux keeps the
# pre-exec maximum across exec), so the command is started by a small launcher that
# forks it afresh and reports the command's own peak.
_LAUNCHER = (
    "import os,sys,json\n"
    "pid=os.fork()\n"
    "if pid==0:\n"
    "    os.execvp(sys.argv[2],sys.argv[2:])\n"
    "_,status,usage=os.wait4(pid,0)\n"
    "cpu=usage.ru_utime+usage.ru_stime\n"
    "os.write(int(sys.argv[1]),json.dumps([os.waitstatus_to_exitcode(status),usage.ru_maxrss,cpu]).encode())\n"
)

#: CPU seconds (user and system, its subprocesses included) of the last command run: on a
#: shared machine the wall time grows with the load, the CPU time much less.
CPU: list[float] = [0.0]


#: What the last command run printed (the publish's line about the cache between builds).
OUTPUT: list[str] = []


def run(args: list[str], cwd: Path, *, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Run a command; its wall seconds and peak memory (MiB, the command's maximum RSS)."""
    read, write = os.pipe()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PY, "-S", "-c", _LAUNCHER, str(write), *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(write,),
    )
    os.close(write)
    stdout, stderr = proc.communicate()
    OUTPUT[:] = stdout.decode(errors="replace").splitlines()
    proc.wait()
    seconds = time.perf_counter() - start
    with os.fdopen(read, "rb") as pipe:
        report = pipe.read()
    code, maxrss, CPU[0] = json.loads(report) if report else (proc.returncode, 0, 0.0)
    if code not in ok:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{stderr.decode()[-3000:]}")
    return seconds, maxrss / 1024


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


class System:
    """One way of building the bench site."""

    name = ""
    out = "site"

    def __init__(self, root: Path) -> None:
        self.root = root

    def build(self) -> tuple[float, float]:
        raise NotImplementedError

    def add(self, number: int) -> None:
        add_article(self.root, number)

    @property
    def site(self) -> Path:
        return self.root / self.out


class Plain(System):
    name = "plain"

    def build(self) -> tuple[float, float]:
        return run([PY, "-m", "mkdocs", "build", "-q", "-d", self.out], self.root)


class Hugo(System):
    name = "hugo"
    out = "out"

    def __init__(self, root: Path, project: Path) -> None:
        super().__init__(root)
        self.project = project

    def build(self) -> tuple[float, float]:
        return run(["hugo", "--quiet", "-d", self.out], self.root)

    def add(self, number: int) -> None:
        add_article(self.project, number)
        copy_into_hugo(self.project, self.root)


class Warta(System):
    name = "warta"
    now = NOW

    def build(self) -> tuple[float, float]:
        return run([PY, "-m", "pipeline", "publish", "--now", self.now], self.root)

    def full_copy(self, target: Path) -> None:
        """A full build of the current content into ``target`` (never incremental)."""
        code = (
            "import sys; from pathlib import Path; from datetime import datetime;"
            "from pipeline.config import load_config; from pipeline.site.build import build_site;"
            "build_site(load_config(Path('warta.yml')), now=datetime.fromisoformat(sys.argv[1]),"
            " site_dir=Path(sys.argv[2]), incremental=False)"
        )
        run([PY, "-c", code, self.now, str(target)], self.root)

    def review_draft(self) -> float:
        draft = self.root / "drafts" / "draf-bench"
        draft.mkdir(parents=True, exist_ok=True)
        (draft / "index.md").write_text(
            "---\ntitle: Draf berita untuk uji kecepatan pemeriksaan\nslug: draf-bench\n"
            "date: 2026-12-30\ncategory: berita\nauthor: rina\nstatus: draft\n"
            "summary: Ringkasan draf untuk uji kecepatan pemeriksaan.\ntags: [kinerja]\n---\n"
            "\n## Isi\n\nLihat [halaman](/layanan/halaman-0000/index.md) dan "
            "[berita lama](/berita/posts/berita-00001/index.md).\n"
        )
        seconds, _memory = run(
            [PY, "-m", "pipeline", "review", "drafts/draf-bench"], self.root, ok=(0, 1)
        )
        shutil.rmtree(draft)
        return seconds


def measure(system: System, number: int) -> dict[str, object]:
    """Full build, then one new article and the build after it."""
    loads = [load()]
    seconds, memory = system.build()
    cpu = CPU[0]
    loads.append(load())
    before = digests(system.site)
    system.add(number)
    again, again_memory = system.build()
    after = digests(system.site)
    files = changed(before, after)
    total = sum(size for size, _digest in after.values())
    moved = sum(after[rel][0] for rel in files)
    loads.append(load())
    return {
        "build": seconds,
        "cpu": cpu,
        "load": "-".join(loads),
        "memory": max(memory, again_memory),
        "rebuild": again,
        "files": len(after),
        "bytes": total,
        "changed_files": files,
        "changed_bytes": moved,
        "share": moved / total,
        "sizes": {rel: after[rel][0] for rel in files},
    }


def print_table(results: dict[str, dict[str, object]]) -> None:
    names = list(results)
    header = f"{'figure':<34}" + "".join(f"{n:>10}" for n in names)
    others = [n for n in names if n != "warta"]
    header += "".join(f"{'warta/' + n:>13}" for n in others)
    print(header)
    rows = [
        ("full build (s)", "build", 1, "{:.1f}"),
        ("full build, CPU (s)", "cpu", 1, "{:.1f}"),
        ("peak memory (MiB)", "memory", 1, "{:.0f}"),
        ("build after one new article (s)", "rebuild", 1, "{:.1f}"),
        ("output files", "files", 1, "{:.0f}"),
        ("output (MB)", "bytes", 1e6, "{:.1f}"),
        ("changed files", "changed_count", 1, "{:.0f}"),
        ("changed (MB)", "changed_bytes", 1e6, "{:.2f}"),
        ("changed share (%)", "share", 0.01, "{:.2f}"),
    ]
    for label, key, scale, fmt in rows:
        values = {}
        for name in names:
            result = results[name]
            raw = len(result["changed_files"]) if key == "changed_count" else result[key]  # type: ignore[arg-type]
            values[name] = float(raw) / scale  # type: ignore[arg-type]
        line = f"{label:<34}" + "".join(f"{fmt.format(values[n]):>10}" for n in names)
        for other in others:
            ratio = values["warta"] / values[other] if values[other] else float("nan")
            line += f"{ratio:>13.3f}"
        print(line)
    # Before the full build, after it, after the second build (1 minute, 2 cores).
    shown = "; ".join(f"{n} {results[n]['load']}" for n in names)
    print(f"load average before, between and after the builds: {shown}")


def _cache_line() -> str:
    """The publish's report of the cache between builds (from its output)."""
    return next((line for line in OUTPUT if "build" in line and "rendered" in line), "")


def incremental(warta: Warta, tmp: Path, number: int) -> None:
    """The publish after each kind of change, and whether it equals a full build.

    "publish" is ``warta publish`` (incremental: the cache between builds); "full" is a
    full build of the same content into another folder; "identical" compares every
    file of both."""
    print(f"\n{'warta change':<34}{'publish (s)':>12}{'full (s)':>10}{'identical':>11}")
    reports = []
    steps = [
        ("no change", lambda: None),
        ("add an article", lambda: add_article(warta.root, number + 1, seed=3)),
        ("edit an article", lambda: edit_article(warta.root, number // 2)),
        (
            "withdraw an article",
            lambda: run(
                [PY, "-m", "pipeline", "withdraw", f"berita-{number // 3:05d}", *WITHDRAW],
                warta.root,
            ),
        ),
    ]

    def release() -> None:
        embargo_article(warta.root, number + 2, LATER)
        warta.build()  # the embargoed article is in content/, not on the site
        warta.now = LATER

    steps.append(("release from embargo", release))
    for step, (label, change) in enumerate(steps):
        change()
        seconds, _memory = warta.build()
        reports.append((label, _cache_line()))
        full = tmp / f"full-{step}" / "site"
        start = time.perf_counter()
        warta.full_copy(full)
        full_seconds = time.perf_counter() - start
        same = digests(full) == digests(warta.site)
        shutil.rmtree(full.parent)
        print(f"{label:<34}{seconds:>12.1f}{full_seconds:>10.1f}{'yes' if same else 'NO':>11}")
    for label, line in reports:
        print(f"  {label}: {line}")


def load() -> str:
    """The 1-minute load average (2 cores: above 2, the figures are slowed by others)."""
    return f"{os.getloadavg()[0]:.1f}"


def curve(sizes: list[int], pages: int, tmp: Path, plain: bool) -> None:
    """The full build (wall and CPU seconds) and its peak memory at each size."""
    print(
        f"\n{'articles':>8}{'warta (s)':>11}{'cpu (s)':>9}{'MiB':>7}{'load':>6}{'after':>6}"
        + (f"{'plain (s)':>11}{'MiB':>7}" if plain else "")
    )
    for size in sizes:
        ours = Warta(generate(tmp / f"w{size}", size, pages, warta_plugin=True))
        before = load()
        seconds, memory = ours.build()
        row = f"{size:>8}{seconds:>11.1f}{CPU[0]:>9.1f}{memory:>7.0f}{before:>6}{load():>6}"
        if plain:
            other = Plain(generate(tmp / f"p{size}", size, pages, warta_plugin=False))
            p_seconds, p_memory = other.build()
            row += f"{p_seconds:>11.1f}{p_memory:>7.0f}"
            shutil.rmtree(other.root)
        print(row, flush=True)
        shutil.rmtree(ours.root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--clone", type=Path, help="copy the posts of this project")
    parser.add_argument("--no-plain", action="store_true", help="leave plain mkdocs out")
    parser.add_argument("--no-hugo", action="store_true", help="leave Hugo out")
    parser.add_argument("--no-changes", action="store_true", help="skip the change kinds")
    parser.add_argument("--show-changed", action="store_true", help="list what changed")
    parser.add_argument("--curve", help="only the full build at these sizes (1000,5000,…)")
    args = parser.parse_args()
    use_hugo = not args.no_hugo and shutil.which("hugo") is not None
    if not args.no_hugo and not use_hugo:
        print(
            "hugo not found: its column is left out (Debian: apt-get install hugo)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="warta-scale-") as name:
        tmp = Path(name)
        if args.curve:
            curve([int(s) for s in args.curve.split(",")], args.pages, tmp, not args.no_plain)
            return
        n, pages, clone = args.articles, args.pages, args.clone
        systems: list[System] = []
        if not args.no_plain:
            systems.append(
                Plain(generate(tmp / "plain", n, pages, warta_plugin=False, clone_from=clone))
            )
        if use_hugo:
            project = generate(tmp / "hugo-src", n, pages, warta_plugin=False, clone_from=clone)
            systems.append(Hugo(hugo_site(project, tmp / "hugo", HERE / "hugo-theme"), project))
        warta = Warta(generate(tmp / "warta", n, pages, warta_plugin=True, clone_from=clone))
        systems.append(warta)
        results = {system.name: measure(system, n) for system in systems}
        print(f"{n} articles, {pages} pages" + (f", posts cloned from {clone}" if clone else ""))
        print_table(results)
        print(f"{'review of one draft (s)':<34}{warta.review_draft():>10.2f}")
        if args.show_changed:
            for label, result in results.items():
                sizes: dict[str, int] = result["sizes"]  # type: ignore[assignment]
                print(f"\n{label}: largest changed files")
                for rel in sorted(sizes, key=sizes.__getitem__, reverse=True)[:25]:
                    print(f"  {sizes[rel]:>10}  {rel}")
        if not args.no_changes:
            incremental(warta, tmp, n)


if __name__ == "__main__":
    main()
