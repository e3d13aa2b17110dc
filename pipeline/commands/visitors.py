"""``warta visitors analyze``: figures, suspicious activity, the visitor activity log and
the deny list."""

from __future__ import annotations

import ipaddress
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import opsdb
from pipeline.errors import ConfigError, NotFoundError, Problem
from pipeline.fsutil import atomic_write_text
from pipeline.health.store import open_history
from pipeline.progress import NoProgress, Progress
from pipeline.visitors.allow import AllowList, Resolver
from pipeline.visitors.parse import PRESETS, Hit, LogFormat, Reader, is_gzip, open_log
from pipeline.visitors.rules import Addresses, Bucket, Detector, Finding, configured, iso
from pipeline.visitors.schema import ParseError
from pipeline.visitors.stats import Figures
from pipeline.visitors.tail import Position, Segment, fingerprint, plan

if TYPE_CHECKING:
    from pipeline.config import Config

BATCH = 1024
"""Requests parsed before the figures and the rules count them."""

MOSTLY_FAILED = 0.5
"""A file where more than this share of lines could not be read gets a plain warning."""


@dataclass
class VisitorReport:
    """What one run found."""

    figures: Figures
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Things a person must act on: a file that was mostly not read, a damaged archive."""
    files: list[str] = field(default_factory=list)
    deny_list: DenyList | None = None
    allowed: list[str] = field(default_factory=list)
    """Addresses that would have been reported but are allow-listed."""

    def as_dict(self) -> dict[str, object]:
        """The JSON report."""
        return {
            **self.figures.as_dict(),
            "files": self.files,
            "notes": self.notes,
            "warnings": self.warnings,
            "findings": [f.as_dict() for f in self.findings],
            "allowed": self.allowed,
            "deny_list": self.deny_list.as_dict() if self.deny_list else None,
        }


@dataclass
class DenyEntry:
    """One address of the deny list."""

    address: str
    rules: list[str]
    expires: datetime


@dataclass
class DenyList:
    """The deny list as written."""

    path: str
    entries: list[DenyEntry]
    refused: list[str] = field(default_factory=list)
    """Addresses found but left out (allow-listed, or not a valid address)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "entries": [
                {"address": e.address, "rules": e.rules, "expires": e.expires.isoformat()}
                for e in self.entries
            ],
            "refused": self.refused,
        }


def log_format(config: Config, spec: str | None) -> LogFormat:
    """The log format to read with: ``spec`` (from ``--log-format``) or the configured one."""
    chosen = spec or config.visitors.log_format
    try:
        return LogFormat(chosen, config.visitors.date_format)
    except ParseError as error:
        where = "--log-format" if spec else f"{config.source}: visitors.log_format"
        raise ConfigError(
            "the log format cannot be used",
            [Problem(where, str(error), f"use a preset ({', '.join(PRESETS)}) or %h … %s …")],
        ) from None


def analyze(
    config: Config,
    logs: list[Path],
    *,
    incremental: bool = False,
    deny_list: Path | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    format_spec: str | None = None,
    resolver: Resolver | None = None,
) -> VisitorReport:
    """Read the logs (plain or gzip, in any order), compute figures and findings, record
    the findings in the visitor activity log, and optionally write a deny list.

    Nothing in a log is fatal: every line that cannot be read is counted with its reason.
    ``resolver``, when given, verifies search engines' crawlers for the allow-list.
    """
    progress = progress or NoProgress()
    settings = config.visitors
    for path in logs:
        if not path.is_file():
            raise NotFoundError(
                "log file not found",
                where=str(path),
                hint="pass the access log (e.g. /var/log/nginx/access.log)",
            )
    fmt = log_format(config, format_spec)
    allow = AllowList(settings.allow, resolver)
    addresses = Addresses()
    figures = Figures(hosts=addresses.ids)
    detector = Detector(configured(settings.thresholds()), allow=allow, addresses=addresses)
    report = VisitorReport(figures, [])
    moment = now or datetime.now(UTC)  # (not site.live's now_utc: no content model here)
    with open_history(config, write=True) as db:  # the activity log is always written
        known = {
            row[0]: Position(row[0], row[1], row[2], row[3])
            for row in db.execute("SELECT path, inode, offset, head FROM visitors_positions")
        }
        if incremental:
            _restore(db, detector)
        positions: list[Position] = []
        progress.start("read", sum(p.stat().st_size for p in logs))
        for path in logs:
            key = str(path.resolve())
            compressed = is_gzip(path)
            if incremental and not compressed:
                segments = plan(path, known.get(key))
            elif incremental and key in known and known[key].inode == path.stat().st_ino:
                report.notes.append(f"{path}: already read (compressed, unchanged)")
                continue
            else:
                segments = [Segment(path, 0)]
            end = 0
            for index, segment in enumerate(segments):
                if segment.note:
                    report.notes.append(f"{path}: {segment.note}")
                report.files.append(str(segment.path))
                live = incremental and not compressed and index == len(segments) - 1
                end = _read(segment, fmt, figures, detector, report, progress, live=live)
            positions.append(Position(key, path.stat().st_ino, end, fingerprint(path, end)))
        report.findings = detector.results()
        report.allowed = sorted(detector.allowed)
        recorded = moment.isoformat()
        with opsdb.transaction(db):
            if incremental:
                _save_positions(db, positions, recorded)
                _save_buckets(db, detector, figures.last_at)
            _save_findings(db, report.findings, recorded)
        if deny_list is not None:
            report.deny_list = write_deny_list(
                deny_list, _deny_entries(db, moment, settings.deny_for), allow
            )
            with opsdb.transaction(db):
                # Denied addresses no longer open visitor incidents (docs/tickets.md).
                db.executemany(
                    "INSERT INTO visitors_denied (ip, denied_at, list) VALUES (?, ?, ?) "
                    "ON CONFLICT(ip) DO NOTHING",
                    [(e.address, recorded, str(deny_list)) for e in report.deny_list.entries],
                )
    return report


def _read(
    segment: Segment,
    fmt: LogFormat,
    figures: Figures,
    detector: Detector,
    report: VisitorReport,
    progress: Progress,
    *,
    live: bool,
) -> int:
    """Read one segment; the offset reached."""
    valid_before, failed_before = figures.valid, figures.failed
    samples: list[str] = []
    name = str(segment.path)
    parse = fmt.parse
    add, count = figures.add_all, detector.add_all
    batch: list[Hit] = []  # the figures and the rules take requests a batch at a time
    with open_log(segment.path) as handle:
        reader = Reader(handle, segment.start, hold_partial=live, progress=progress.advance)
        number = 0
        for number, text in enumerate(reader, start=1):
            hit = parse(text)
            if isinstance(hit, str):
                figures.add_failed(hit, f"{name}:{number}" if not segment.start else name)
                if len(samples) < 20:
                    samples.append(text)
            else:
                batch.append(hit)
                if len(batch) >= BATCH:
                    add(batch)
                    count(batch)
                    batch.clear()
        add(batch)
        count(batch)
    if reader.held:
        report.notes.append(
            f"{name}: the last line has no newline yet (still being written): "
            "it is read by the next run"
        )
    if reader.damage:
        figures.add_failed(reader.damage, f"{name}:{number + 1}")
        report.warnings.append(
            f"{name}: {reader.damage} after line {number}: the lines before it were read"
        )
    valid, failed = figures.valid - valid_before, figures.failed - failed_before
    if failed and failed > (valid + failed) * MOSTLY_FAILED:
        report.warnings.append(_nothing_parsed(name, valid, failed, fmt, samples, figures))
    return reader.end


def _nothing_parsed(
    name: str, valid: int, failed: int, fmt: LogFormat, samples: list[str], figures: Figures
) -> str:
    reason = figures.reasons.most_common(1)[0][0] if figures.reasons else ""
    head = "nothing parsed" if valid == 0 else f"most lines not read ({failed} of {valid + failed})"
    text = (
        f"{name}: {head}: is this an nginx/Apache {fmt.name if fmt.name != 'custom' else ''} "
        f"log? (most common reason: {reason})"
    ).replace("  ", " ")
    for preset in PRESETS:
        if preset == fmt.name:
            continue
        other = LogFormat(preset)
        read = sum(1 for line in samples if not isinstance(other.parse(line), str))
        if samples and read > len(samples) / 2:
            return f"{text}; it reads as {preset}: pass --log-format {preset}"
    return f"{text}; pass --log-format (a preset: {', '.join(PRESETS)}, or a GoAccess log-format)"


# -- storage -------------------------------------------------------------------------------


def _restore(db: sqlite3.Connection, detector: Detector) -> None:
    buckets = [
        (rule, ip, Bucket(until, latest, set(json.loads(seen)) or None, count, start, text))
        for rule, ip, until, latest, seen, count, start, text in db.execute(
            "SELECT rule, ip, until, latest, seen, count, start, start_text FROM visitors_buckets"
        )
    ]
    newest = db.execute("SELECT MAX(last_at) FROM visitors_findings").fetchone()[0]
    findings = []
    if newest:
        since = datetime.fromisoformat(newest).timestamp() - 3600 * 24
        for ip, rule, first, last, count, samples, first_at, last_at in db.execute(
            "SELECT ip, rule, first, last, count, samples, first_at, last_at "
            "FROM visitors_findings WHERE last_at >= ?",
            (iso(since),),
        ):
            findings.append(
                Finding(
                    ip,
                    rule,
                    first,
                    last,
                    count,
                    json.loads(samples),
                    datetime.fromisoformat(first_at).timestamp(),
                    datetime.fromisoformat(last_at).timestamp(),
                )
            )
    detector.restore(buckets, findings)


def _save_positions(db: sqlite3.Connection, positions: list[Position], recorded: str) -> None:
    for position in positions:
        db.execute(
            "INSERT INTO visitors_positions (path, inode, offset, head, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET inode=excluded.inode, "
            "offset=excluded.offset, head=excluded.head, updated_at=excluded.updated_at",
            (position.path, position.inode, position.offset, position.head, recorded),
        )


def _save_buckets(db: sqlite3.Connection, detector: Detector, horizon: float) -> None:
    buckets, _open = detector.state(horizon)
    db.execute("DELETE FROM visitors_buckets")
    db.executemany(
        "INSERT INTO visitors_buckets (rule, ip, until, latest, seen, count, start, start_text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                rule,
                ip,
                b.until,
                b.latest,
                json.dumps(sorted(b.seen or ())),
                b.count,
                b.start,
                b.start_text,
            )
            for rule, ip, b in buckets
        ],
    )


def _save_findings(db: sqlite3.Connection, findings: list[Finding], recorded: str) -> None:
    """One row per (address, rule, first request): a finding read again (a log analysed
    twice, an incremental run extending it) updates its row, never adds one."""
    db.executemany(
        "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, samples, "
        "first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(ip, rule, first_at) DO UPDATE SET "
        "count=MAX(count, excluded.count), "
        "last=CASE WHEN excluded.last_at > last_at THEN excluded.last ELSE last END, "
        "last_at=MAX(last_at, excluded.last_at), samples=excluded.samples",
        [
            (
                recorded,
                f.ip,
                f.rule,
                f.first,
                f.last,
                f.count,
                json.dumps(f.samples, ensure_ascii=False),
                iso(f.first_at),
                iso(f.last_at),
            )
            for f in findings
        ],
    )


# -- the deny list ---------------------------------------------------------------------------


def _deny_entries(db: sqlite3.Connection, now: datetime, keep: timedelta) -> list[DenyEntry]:
    """Addresses with a finding whose last request is recent enough, with their expiry."""
    entries = []
    for ip, rules, last in db.execute(
        "SELECT ip, GROUP_CONCAT(DISTINCT rule), MAX(last_at) FROM visitors_findings "
        "WHERE last_at IS NOT NULL GROUP BY ip ORDER BY ip"
    ):
        expires = datetime.fromisoformat(last).astimezone(UTC) + keep
        if expires > now:
            entries.append(DenyEntry(ip, sorted(rules.split(",")), expires))
    return entries


def _network_key(text: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(text, strict=False)
    return network.version, int(network.network_address), network.prefixlen


def write_deny_list(path: Path, entries: list[DenyEntry], allow: AllowList) -> DenyList:
    """An nginx include file with one ``deny`` per entry, written atomically.

    Only valid addresses are written (as nginx reads them: an IPv4 or IPv6 address or
    CIDR block), never an allow-listed one (the court's networks, loopback): a broken or
    self-locking deny list is worse than none.
    """
    written: list[DenyEntry] = []
    refused: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry.address, strict=False)
        except ValueError:
            refused.append(entry.address)
            continue
        mapped = getattr(network.network_address, "ipv4_mapped", None)
        text = (
            str(mapped)
            if mapped is not None
            else (str(network.network_address) if network.num_addresses == 1 else str(network))
        )
        if allow.listed(text) or text in seen:
            if text not in seen:
                refused.append(entry.address)
            continue
        seen.add(text)
        written.append(DenyEntry(text, entry.rules, entry.expires))
    written.sort(key=lambda e: _network_key(e.address))
    body = "".join(
        f"deny {e.address};  # until {e.expires.isoformat(timespec='seconds')}: "
        f"{', '.join(e.rules)}\n"
        for e in written
    )
    atomic_write_text(
        path,
        f"# written by warta visitors analyze; include it in a server or location block\n{body}",
    )
    return DenyList(str(path), written, refused)
