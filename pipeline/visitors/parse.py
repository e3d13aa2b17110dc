"""Read nginx and Apache access logs (combined and common formats), line by line.

Lines that do not parse are counted, never fatal: binary garbage, odd quoting,
a user agent whose closing quote is missing (accepted, as GoAccess does),
huge lines.  Timestamps are kept as text with cheap slices for the date and
the hour; an epoch is computed (and cached per distinct second) only where
the rules need one.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

MAX_LINE = 64 * 1024
"""Longer lines are counted as malformed (no legitimate request line is this long)."""

# One regex for both formats: the referer and user-agent fields are optional
# (common format), the user agent may lack its closing quote, and quoted fields
# may hold backslash-escaped quotes (nginx escapes " as \x22, Apache as \").
# The quoted fields use the "unrolled loop" form [^"\\]*(?:\\.[^"\\]*)*, several
# times faster than a per-character alternation on long user agents.
_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
LINE = re.compile(
    r"(?P<ip>[0-9A-Fa-f:.]+) \S+ \S+ \[(?P<time>[^\]]{20,40})\] "
    rf'"(?P<request>{_QUOTED})" (?P<status>\d{{3}}) (?P<size>\d+|-)'
    rf'(?: "(?P<referer>{_QUOTED})" "(?P<agent>{_QUOTED})"?)?'
)
_DATES: dict[str, str] = {}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


@dataclass(slots=True)
class Hit:
    """One parsed request."""

    ip: str
    time: str
    """As logged: ``25/Nov/2026:08:00:00 +0800``."""
    method: str
    path: str
    protocol: str
    status: int
    size: int
    referer: str
    agent: str

    @property
    def date(self) -> str:
        """``2026-11-25`` (the log's own local date)."""
        day = self.time[:11]
        found = _DATES.get(day)
        if found is None:
            found = _DATES[day] = f"{day[7:11]}-{_MONTHS.get(day[3:6], 0):02d}-{day[0:2]}"
        return found

    @property
    def hour(self) -> int:
        return int(self.time[12:14])


def parse_line(line: str) -> Hit | None:
    """The request on one line, or None when the line is not a log line."""
    if len(line) > MAX_LINE:
        return None
    match = LINE.match(line)
    if match is None:
        return None
    ip, time, request, status, size, referer, agent = match.group(
        "ip", "time", "request", "status", "size", "referer", "agent"
    )
    if time[2] != "/" or time[6] != "/" or time[11] != ":" or time[3:6] not in _MONTHS:
        return None
    parts = request.split(" ")
    if len(parts) == 3:
        method, path, protocol = parts
    elif len(parts) == 2:
        method, path, protocol = parts[0], parts[1], ""
    else:  # "-", or a request line that is not HTTP (TLS bytes sent to port 80, …)
        method, path, protocol = "-", request or "-", ""
    return Hit(
        ip,
        time,
        method,
        path,
        protocol,
        int(status),
        0 if size == "-" else int(size),
        referer or "-",
        agent or "-",
    )


_DAYS: dict[str, float] = {}


def epoch(time: str) -> float:
    """Seconds since the epoch of a logged time.

    ``strptime`` per line was the slowest part of a run: the start of each
    (day, zone) is parsed once and the clock time added by arithmetic.
    """
    key = time[:11] + time[20:]
    base = _DAYS.get(key)
    if base is None:
        base = datetime.strptime(f"{time[:11]} {time[21:]}", "%d/%b/%Y %z").timestamp()
        _DAYS[key] = base
    return base + int(time[12:14]) * 3600 + int(time[15:17]) * 60 + int(time[18:20])


def open_log(path: Path) -> BinaryIO:
    """A log file for reading bytes; gzip files (rotated logs) are decompressed."""
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return handle


def lines(handle: BinaryIO, start: int = 0) -> Iterator[tuple[int, str]]:
    """(offset after the line, text) of every complete line from byte ``start``.

    A last line without its newline is not returned: it may still be being
    written, and an incremental run will read it next time.
    """
    if start:
        handle.seek(start)
    offset = start
    for raw in handle:
        if not raw.endswith(b"\n"):
            break
        offset += len(raw)
        yield offset, raw.decode("utf-8", "replace").rstrip("\r\n")
