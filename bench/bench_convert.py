"""Bench: `warta convert` of 200 A4 scans at 300 dpi beside a plain copy of the same bytes.

Generates the scans (JPEG, A4 at --dpi), collects them into one draft as separate
documents, then in the same run times:

- a plain copy of the same files (``shutil.copyfile``) — the baseline;
- ``convert`` (img2pdf → PDF/A with XMP metadata, validated, renamed into files/).

Prints MB/s of both, their ratio, and the output/input size ratio (lossless: the JPEG
bytes are embedded as they are, so within 1 %).  OCR is off: it measures tesseract,
not warta.  Usage:
    python bench/bench_convert.py [--scans 200] [--dpi 300]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).parent.parent))
from pipeline.commands.sources import collect, convert
from pipeline.config import load_config

WARTA_YML = """\
version: 1
site: {name: Pengadilan Agama Bench, url: "https://bench.example/"}
categories:
  - {id: berita, label: {id: Berita}, section: berita, kind: post}
convert: {ocr: "off"}
review: {max_attachment_mb: 100}
people:
  - {id: bench, name: Operator Bench, email: bench@bench.example, roles: [operator]}
"""


def make_scans(folder: Path, count: int, dpi: int) -> list[Path]:
    """A4 pages with lines of "text" and scanner noise, so that JPEG sizes are realistic."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    rng = random.Random(1)
    base = Image.effect_noise((width, height), 12).convert("RGB")
    draw = ImageDraw.Draw(base)
    step = max(4, dpi // 8)
    for y in range(dpi, height - dpi, step):
        x = dpi
        while x < width - dpi:
            w = rng.randint(dpi // 10, dpi // 3)
            draw.rectangle((x, y, x + w, y + step // 2), fill=(30, 30, 30))
            x += w + dpi // 12
    folder.mkdir(parents=True)
    paths = []
    for n in range(count):
        page = base.copy()
        ImageDraw.Draw(page).text((dpi, dpi // 2), f"Halaman {n + 1}", fill="black")
        path = folder / f"scan-{n + 1:04d}.jpg"
        page.save(path, "JPEG", quality=85, dpi=(dpi, dpi))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="warta-bench-") as tmp:
        root = Path(tmp)
        (root / "warta.yml").write_text(WARTA_YML)
        scans = make_scans(root / "scans", args.scans, args.dpi)
        size = sum(p.stat().st_size for p in scans)
        config = load_config(root / "warta.yml")
        collect(config, "bench", scans, by="bench", now=now, title="Bench scans", category="berita")

        copy_dir = root / "copy"
        copy_dir.mkdir()
        start = time.perf_counter()
        for path in scans:
            shutil.copyfile(path, copy_dir / path.name)
        t_copy = time.perf_counter() - start

        start = time.perf_counter()
        result = convert(config, "bench", by="bench", now=now)
        t_convert = time.perf_counter() - start
        if result.refused:
            raise SystemExit("\n".join(str(p) for p in result.refused))
        out = sum((root / "drafts/bench" / o.path).stat().st_size for o in result.made)
        mb = size / 1e6
        print(
            f"{'scans':>6} {'input MB':>9} {'copy MB/s':>10} {'convert MB/s':>13}"
            f" {'convert/copy':>13} {'out/in size':>12}"
        )
        print(
            f"{args.scans:>6} {mb:>9.1f} {mb / t_copy:>10.1f} {mb / t_convert:>13.1f}"
            f" {t_convert / t_copy:>13.1f} {out / size:>12.4f}"
        )


if __name__ == "__main__":
    main()
