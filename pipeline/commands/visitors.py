"""``warta visitors analyze``: figures, suspicious activity, the visitor activity log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import opsdb
from pipeline.config import Config
from pipeline.errors import NotFoundError
from pipeline.fsutil import atomic_write_text
from pipeline.health.store import open_history
from pipeline.progress import NoProgress, Progress
from pipeline.site.live import now_utc
from pipeline.visitors.parse import lines, open_log, parse_line
from pipeline.visitors.rules import Detector, Finding
from pipeline.visitors.stats import Figures
from pipeline.visitors.tail import Position, Segment, fingerprint, plan


@dataclass
class VisitorReport:
    figures: Figures
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.figures.as_dict(),
            "files": self.files,
            "notes": self.notes,
            "findings": [f.as_dict() for f in self.findings],
        }


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def analyze(
    config: Config,
    logs: list[Path],
    *,
    incremental: bool = False,
    deny_list: Path | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> VisitorReport:
    """Read the logs (plain or gzip, in the order given), compute figures and findings,
    append the findings to the visitor activity log, and optionally write a deny list."""
    progress = progress or NoProgress()
    for path in logs:
        if not path.is_file():
            raise NotFoundError(
                "log file not found",
                where=str(path),
                hint="pass the access log (e.g. /var/log/nginx/access.log)",
            )
    figures, detector = Figures(), Detector()
    report = VisitorReport(figures, [])
    with open_history(config, write=True) as db:  # the activity log is always appended
        known = {
            row[0]: Position(row[0], row[1], row[2], row[3])
            for row in db.execute("SELECT path, inode, offset, head FROM visitors_positions")
        }
        positions: list[Position] = []
        progress.start("read", sum(p.stat().st_size for p in logs))
        for path in logs:
            key = str(path.resolve())
            if incremental and not _is_gzip(path):
                segments = plan(path, known.get(key))
            elif incremental and key in known and known[key].inode == path.stat().st_ino:
                report.notes.append(f"{path}: already read (compressed, unchanged)")
                continue
            else:
                segments = [Segment(path, 0)]
            end = 0
            for segment in segments:
                if segment.note:
                    report.notes.append(f"{path}: {segment.note}")
                report.files.append(str(segment.path))
                with open_log(segment.path) as handle:
                    end = segment.start
                    done = 0
                    for end, text in lines(handle, segment.start):
                        hit = parse_line(text)
                        if hit is None:
                            figures.add_failed()
                        else:
                            figures.add(hit)
                            detector.add(hit)
                        if end - done > 1 << 20:
                            progress.advance(end - done)
                            done = end
            positions.append(Position(key, path.stat().st_ino, end, fingerprint(path, end)))
        report.findings = detector.results()
        moment = (now or now_utc()).isoformat()
        with opsdb.transaction(db):
            if incremental:
                for position in positions:
                    db.execute(
                        "INSERT INTO visitors_positions (path, inode, offset, head, "
                        "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                        "inode=excluded.inode, offset=excluded.offset, head=excluded.head, "
                        "updated_at=excluded.updated_at",
                        (position.path, position.inode, position.offset, position.head, moment),
                    )
            db.executemany(
                "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, "
                "samples) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (moment, f.ip, f.rule, f.first, f.last, f.count, json.dumps(f.samples))
                    for f in report.findings
                ],
            )
    if deny_list is not None:
        write_deny_list(deny_list, report.findings)
        with open_history(config, write=True) as db, opsdb.transaction(db):
            # Denied addresses no longer open visitor incidents (docs/tickets.md).
            db.executemany(
                "INSERT INTO visitors_denied (ip, denied_at, list) VALUES (?, ?, ?) "
                "ON CONFLICT(ip) DO NOTHING",
                [(ip, moment, str(deny_list)) for ip in sorted({f.ip for f in report.findings})],
            )
    return report


def write_deny_list(path: Path, findings: list[Finding]) -> None:
    """An nginx include file denying every IP with a finding (atomically replaced)."""
    ips = sorted({f.ip for f in findings})
    body = "".join(f"deny {ip};\n" for ip in ips)
    atomic_write_text(
        path,
        f"# written by warta visitors analyze; include it in a server or location block\n{body}",
    )
