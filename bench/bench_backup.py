"""Bench: `warta backup` beside restic (Debian's package) on the same tree, in one run.

Generates a warta project of about --mb megabytes like a court's: scans (JPEG bytes:
incompressible), PDFs (mostly compressed streams), Markdown pages. Then times, for
warta (the ``warta`` command, a local-folder repository) and restic (a local repository,
its own cache folder), one after the other on the same files, both encrypting (restic
always does; warta is given a password, so its repository is format 2, AES-256-GCM):

- first backup; backup with nothing changed; backup after 10 scans changed;
- verify with data (``warta backup verify --read-data``, ``restic check --read-data``);
- restore of the latest snapshot into an empty folder.

Prints seconds of both and the ratio warta/restic (below 1: warta is faster). Targets:
at most 1.0 for the no-change backup and the restore, at most 1.5 for the others.
Usage:
    python bench/bench_backup.py [--mb 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARTA_YML = """\
version: 1
site: {{name: Pengadilan Agama Bench, url: "https://bench.example/"}}
categories:
  - {{id: berita, label: {{id: Berita}}, section: berita, kind: post}}
backup: {{repository: "{repository}"}}
"""

PARAGRAPH = (
    "Pengadilan Agama menyelenggarakan sidang keliling di kecamatan untuk mendekatkan "
    "layanan kepada masyarakat pencari keadilan. Jadwal, syarat dan biaya perkara "
    "diumumkan melalui situs web resmi dan papan pengumuman pengadilan.\n\n"
)


def make_tree(root: Path, megabytes: int) -> tuple[int, int]:
    """Scans (72 %), PDFs (27 %), Markdown (1 %) — about 2,400 files per gigabyte."""
    rng = random.Random(8)
    budget = megabytes * 1_000_000
    files = total = 0
    (root / "mkdocs.yml").write_text("site_name: Bench\ndocs_dir: content\n")
    for kind, share, low, high in (
        ("scan", 0.72, 200_000, 1_000_000),
        ("pdf", 0.27, 50_000, 1_800_000),
        ("md", 0.01, 2_000, 14_000),
    ):
        spent = 0
        while spent < budget * share:
            size = rng.randint(low, high)
            n = files
            if kind == "scan":
                path = root / f"archive/{n // 100:03d}/scan-{n:05d}.jpg"
                data = b"\xff\xd8\xff\xe0" + rng.randbytes(size)
            elif kind == "pdf":
                path = root / f"content/dokumen/{n // 100:03d}/putusan-{n:05d}.pdf"
                data = b"%PDF-1.7\n" + rng.randbytes(size) + b"\n%%EOF\n"
            else:
                path = root / f"content/berita/posts/kabar-{n:05d}/index.md"
                data = (f"# Kabar {n}\n\n" + PARAGRAPH * (size // len(PARAGRAPH))).encode()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            spent += len(data)
            total += len(data)
            files += 1
    return files, total


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1000, help="Size of the tree in megabytes.")
    args = parser.parse_args()
    restic = shutil.which("restic")
    if restic is None:
        raise SystemExit("restic is not installed (apt-get install restic)")
    warta = [sys.executable, "-m", "pipeline"]
    with tempfile.TemporaryDirectory(prefix="warta-bench-backup-") as tmp:
        base = Path(tmp)
        root = base / "site"
        root.mkdir()
        warta_repo, restic_repo = base / "warta-repo", base / "restic-repo"
        (root / "warta.yml").write_text(WARTA_YML.format(repository=warta_repo))
        files, size = make_tree(root, args.mb)
        env = {
            **os.environ,
            "RESTIC_REPOSITORY": str(restic_repo),
            "RESTIC_PASSWORD": "bench",
            # Both sides encrypt: restic always does; warta writes format 2 with a password.
            "WARTA_BACKUP_PASSWORD": os.environ.get("BENCH_PASSWORD", "bench"),
            "RESTIC_CACHE_DIR": str(base / "restic-cache"),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "NO_MKDOCS_2_WARNING": "1",
        }
        subprocess.run([restic, "init"], env=env, capture_output=True, check=True)
        # restic reads the same tree warta does (warta's state folder holds only its
        # database copy; warta's repository lies outside the tree).
        restic_backup = [restic, "backup", "--quiet", "--exclude", ".warta/cache", "."]
        steps: list[tuple[str, list[str], list[str]]] = [
            ("first-backup", [*warta, "backup", "run"], restic_backup),
            ("no-change", [*warta, "backup", "run"], restic_backup),
            ("changed-10", [*warta, "backup", "run"], restic_backup),
            (
                "verify-data",
                [*warta, "backup", "verify", "--read-data"],
                [restic, "check", "--read-data"],
            ),
            (
                "restore",
                [*warta, "backup", "restore", "latest", "--target", str(base / "r-warta")],
                [restic, "restore", "latest", "--target", str(base / "r-restic")],
            ),
        ]
        print(f"tree: {files} files, {size / 1e6:.0f} MB; both encrypted (warta format 2)")
        print(f"{'step':<14}{'warta_s':>9}{'restic_s':>10}{'ratio':>8}")
        rng = random.Random(10)
        scans = sorted(root.glob("archive/*/*.jpg"))
        for name, ours, theirs in steps:
            if name == "changed-10":
                for path in rng.sample(scans, min(10, len(scans))):
                    path.write_bytes(b"\xff\xd8\xff\xe0" + rng.randbytes(path.stat().st_size - 4))
            mine = timed(ours, env, root)
            other = timed(theirs, env, root)
            print(f"{name:<14}{mine:>9.2f}{other:>10.2f}{mine / other:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
