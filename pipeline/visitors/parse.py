"""Read access logs line by line, in a configurable format; never fatal.

A format is a preset name (``combined``, ``vhost_combined``, ``common``, ``nginx_timed``,
``json``) or a GoAccess ``log-format`` string (``%h %^[%d:%t %^] "%r" %s %b "%R" "%u"``;
a format that starts with ``{`` maps JSON keys to specifiers).  Every line either gives a
:class:`Hit` or the *reason* it could not be read (an unreadable date, address, status, …):
the caller counts those, nothing raises.

Times are converted once per distinct (day, zone) — ``strptime`` per line was the slowest
part of a run — and the clock time added by arithmetic.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from pipeline.visitors.schema import (
    DEFAULT_DATE_FORMAT,
    GROUPS,
    PRESETS,
    compile_format,
)

MAX_LINE = 64 * 1024
"""Longer lines are counted as failed (no legitimate request line is this long)."""

# Reasons a line is counted as failed (stable strings: reports group by them).
NOT_A_LOG_LINE = "not a log line in this format"
TOO_LONG = "line longer than 64 KiB"
BAD_ADDRESS = "unreadable client address"
BAD_DATE = "impossible or unreadable date"
NO_ZONE = "date without a time zone"
BAD_ZONE = "unreadable time zone"
BAD_TIME = "unreadable time of day"
BAD_STATUS = "status outside 100-599"
BAD_SIZE = "unreadable response size"
BAD_JSON = "not a JSON object"
DAMAGED = "compressed file damaged"

_REQUIRED = {"ip", "status"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_OCTETS = frozenset(str(n) for n in range(256))
_FRACTION = re.compile(r"[.,]\d{1,9}")
_NO_DURATIONS = [None, None, None]
_ZONE = re.compile(r"([+-])(\d\d):?(\d\d)")
_STATUSES = {str(code): code for code in range(100, 600)}
_CLOCK = {f":{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(61)}
"""":MM:SS" → seconds after the hour (second 60: a leap second, as the regex reader
accepts)."""
_HOURS = {f"{n:02d}": n for n in range(24)}


@dataclass(slots=True)
class Hit:
    """One parsed request."""

    ip: str
    time: str
    """As logged: ``25/Nov/2026:08:00:00 +0800``."""
    at: float
    """Seconds since the epoch."""
    date: str
    """``2026-11-25``: the log's own local date."""
    hour: int
    """Hour of the day in the log's local time."""
    method: str
    path: str
    protocol: str
    status: int
    size: int
    referer: str
    agent: str
    vhost: str = ""
    seconds: float | None = None
    """Time taken to answer (``$request_time``), when the format has it."""


_SEEN: dict[str, bool] = {}
"""Recently checked addresses (a few clients make most requests)."""


def valid_address(text: str) -> bool:
    """An IPv4 or IPv6 address (``.......`` and ``:::::::`` are not)."""
    found = _SEEN.get(text)
    return _remember(text) if found is None else found


def _remember(text: str) -> bool:
    found = _check_address(text)
    if len(_SEEN) >= 4096:
        _SEEN.clear()
    _SEEN[text] = found
    return found


def _check_address(text: str) -> bool:
    octets = text.split(".")
    if (  # ASCII decimal 0-255 without leading zeros ("١.2.3.4" is not)
        len(octets) == 4
        and octets[0] in _OCTETS
        and octets[1] in _OCTETS
        and octets[2] in _OCTETS
        and octets[3] in _OCTETS
    ):
        return True
    if ":" not in text or len(text) > 45:
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


class _Days:
    """(date text, zone text) → (ISO date, epoch of local midnight) or the reason it fails."""

    def __init__(self, date_format: str) -> None:
        self.date_format = date_format
        self.cache: dict[tuple[str, str], tuple[str, float] | str] = {}

    def get(self, day: str, zone: str) -> tuple[str, float] | str:
        key = (day, zone)
        found = self.cache.get(key)
        if found is None:
            found = self._convert(day, zone)
            if len(self.cache) > 4096:  # hostile input with endless distinct dates
                self.cache.clear()
            self.cache[key] = found
        return found

    def _convert(self, day: str, zone: str) -> tuple[str, float] | str:
        offset = _offset(zone)
        if isinstance(offset, str):
            return offset
        try:
            if self.date_format == DEFAULT_DATE_FORMAT:  # no locale-dependent month names
                if len(day) != 11 or day[2] != "/" or day[6] != "/" or day[3:6] not in _MONTHS:
                    return BAD_DATE
                moment = datetime(int(day[7:11]), _MONTHS[day[3:6]], int(day[0:2]))
            else:
                moment = datetime.strptime(day, self.date_format)
            start = moment.replace(tzinfo=offset)
            return start.date().isoformat(), start.timestamp()
        except (ValueError, OverflowError):
            return BAD_DATE


def _offset(zone: str) -> timezone | str:
    zone = zone.strip()
    if not zone:
        return NO_ZONE
    if zone in ("Z", "UTC", "GMT"):
        return UTC
    match = _ZONE.fullmatch(zone)
    if match is None:
        return BAD_ZONE
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59:  # real offsets lie within ±14:00
        return BAD_ZONE
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group(1) == "-" else delta)


class LogFormat:
    """A compiled log format: :meth:`parse` turns a line into a :class:`Hit` or a reason."""

    def __init__(self, spec: str = "combined", date_format: str = DEFAULT_DATE_FORMAT) -> None:
        self.name = spec if spec in PRESETS else "custom"
        text = PRESETS.get(spec, spec)
        self.spec = text
        self.days = _Days(date_format)
        self.fields: dict[str, re.Pattern[str]] | None = None
        compiled = compile_format(text)
        if isinstance(compiled, dict):
            self.fields = compiled
            self.parse: Callable[[str], Hit | str] = self._parse_json
        else:
            self.pattern = compiled
            self.parse = self._parse_text
            if text == PRESETS["combined"] and date_format == DEFAULT_DATE_FORMAT:
                self.parse = self._parse_combined
        self._hours: dict[str, tuple[str, float, int]] = {}

    def _parse_combined(self, line: str) -> Hit | str:
        """The combined format's common case without the regex: split at the quotes,
        check the shape and the values, and hand anything unusual (an escaped quote, a
        bad value, a missing field, …) to :meth:`_parse_text`, whose result it equals
        whenever it answers (a test compares both on every kind of line)."""
        parts = line.split('"')
        if len(parts) != 7 or parts[4] != " " or parts[6] or "\\" in line or len(line) > MAX_LINE:
            return self._parse_text(line)
        head = parts[0]
        space = head.find(" ")
        bracket = head.find("[", space)
        numbers = parts[2].split(" ")
        if space < 0 or bracket < 0 or head[-2:] != "] " or len(numbers) != 4:
            return self._parse_text(line)
        stamp = head[bracket + 1 : -2]
        # ":MM:SS" in one look-up; the rest of the stamp (day, hour, zone) is checked once
        # per distinct value, when it enters the cache.
        clock = _CLOCK.get(stamp[14:20])
        status = _STATUSES.get(numbers[1])
        size_text = numbers[2]
        if clock is None or status is None or numbers[0] or numbers[3]:
            return self._parse_text(line)
        if size_text == "-":
            size = 0
        elif size_text.isascii() and size_text.isdigit() and len(size_text) < 16:
            size = int(size_text)
        else:
            return self._parse_text(line)
        hour_start = self._hours.get(stamp[:14] + stamp[20:])
        if hour_start is None:
            hour_start = self._hour(stamp)
            if hour_start is None:
                return self._parse_text(line)
        ip = head[:space]
        valid = _SEEN.get(ip)
        if not (valid or (valid is None and _remember(ip))):
            return self._parse_text(line)
        request = parts[1]
        words = request.split(" ")
        if len(words) == 3:
            method, path, protocol = words
        elif len(words) == 2:
            method, path, protocol = words[0], words[1], ""
        else:
            method, path, protocol = "-", request or "-", ""
        return Hit(
            ip,
            stamp,
            hour_start[1] + clock,
            hour_start[0],
            hour_start[2],
            method,
            path,
            protocol,
            status,
            size,
            parts[3] or "-",
            parts[5] or "-",
            "",
            None,
        )

    def _hour(self, stamp: str) -> tuple[str, float, int] | None:
        """(ISO date, epoch of the hour's start, hour) of a combined-format stamp's day,
        hour and zone, cached; None when they are not the plain ``dd/Mon/yyyy:HH`` and
        ``+hhmm`` (the regex reader then says what is wrong)."""
        hour = _HOURS.get(stamp[12:14])
        if hour is None or stamp.find(":") != 11 or stamp[20:21] != " " or "]" in stamp:
            return None
        base = self.days.get(stamp[:11], stamp[21:])
        if isinstance(base, str):
            return None
        if len(self._hours) > 4096:  # hostile input with endless distinct hours
            self._hours.clear()
        found = self._hours[stamp[:14] + stamp[20:]] = (base[0], base[1] + hour * 3600, hour)
        return found

    def _parse_text(self, line: str) -> Hit | str:
        if len(line) > MAX_LINE:
            return TOO_LONG
        match = self.pattern.match(line)
        if match is None:
            return NOT_A_LOG_LINE
        return self._hit(match.group(*GROUPS))

    def _parse_json(self, line: str) -> Hit | str:
        if len(line) > MAX_LINE:
            return TOO_LONG
        try:
            record = json.loads(line)
        except ValueError:
            return BAD_JSON
        if not isinstance(record, dict):
            return BAD_JSON
        assert self.fields is not None
        groups: dict[str, str | None] = {}
        for key, pattern in self.fields.items():
            value = record.get(key)
            if value is None or value == "":
                continue
            match = pattern.fullmatch(str(value))
            if match is None:
                return NOT_A_LOG_LINE
            groups.update({k: v for k, v in match.groupdict().items() if v is not None})
        if not groups.keys() >= _REQUIRED or not (
            "iso" in groups or {"date", "clock"} <= groups.keys()
        ):
            return NOT_A_LOG_LINE
        return self._hit(tuple(groups.get(name) for name in GROUPS))

    def _hit(self, g: tuple[str | None, ...]) -> Hit | str:
        (
            ip,
            vhost,
            day,
            clock,
            zone,
            iso,
            request,
            method,
            path,
            query,
            protocol,
            status_text,
            size_text,
            referer,
            agent,
            *durations,
        ) = g
        if ip is None or not valid_address(ip):
            return BAD_ADDRESS
        status = _STATUSES.get(status_text) if status_text is not None else None
        if status is None:  # ("2²0" is digits to str.isdigit, not to int)
            return BAD_STATUS
        if size_text is None or size_text == "-":
            size = 0
        elif size_text.isascii() and size_text.isdigit() and len(size_text) < 16:
            size = int(size_text)
        else:
            return BAD_SIZE
        if iso is not None:
            stamp = _iso(iso)
            if isinstance(stamp, str):
                return stamp
            at, date, hour = stamp
            time = iso
        else:
            if clock is None or len(clock) < 8 or clock[2] != ":" or clock[5] != ":":
                return BAD_TIME
            try:
                hour, minute, second = int(clock[0:2]), int(clock[3:5]), int(clock[6:8])
            except ValueError:
                return BAD_TIME
            if (
                hour > 23
                or minute > 59
                or second > 60
                or (len(clock) > 8 and not _FRACTION.fullmatch(clock, 8))
            ):
                return BAD_TIME
            base = self.days.get(day or "", zone or "")
            if isinstance(base, str):
                return base
            date, midnight = base
            at = midnight + hour * 3600 + minute * 60 + second
            time = f"{day}:{clock} {zone}"
        if request is not None:
            parts = request.split(" ")
            if len(parts) == 3:
                method, path, protocol = parts
            elif len(parts) == 2:
                method, path, protocol = parts[0], parts[1], ""
            else:  # "-", or a request line that is not HTTP (TLS bytes sent to port 80, …)
                method, path, protocol = "-", request or "-", ""
        else:
            method = method or "-"
            path = (path or "-") + (query or "")
            protocol = protocol or ""
        return Hit(
            ip,
            time,
            at,
            date,
            hour,
            method,
            path,
            protocol,
            status,
            size,
            referer or "-",
            agent or "-",
            vhost or "",
            _duration(durations) if durations != _NO_DURATIONS else None,
        )


def _iso(text: str) -> tuple[float, str, int] | str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return BAD_DATE
    if moment.tzinfo is None:
        return NO_ZONE
    try:
        return moment.timestamp(), moment.date().isoformat(), moment.hour
    except (OverflowError, ValueError):
        return BAD_DATE


def _duration(values: list[str | None]) -> float | None:
    for value, scale in zip(values, (1.0, 1e-3, 1e-6), strict=True):
        if value:
            try:
                seconds = float(value) * scale
            except ValueError:
                return None
            return seconds if 0 <= seconds < 1e9 else None
    return None


_COMBINED = LogFormat("combined")


def parse_line(line: str) -> Hit | None:
    """The request on one combined-format line, or None when it cannot be read."""
    found = _COMBINED.parse(line)
    return None if isinstance(found, str) else found


def epoch(time: str) -> float:
    """Seconds since the epoch of a time logged in the combined format (``ValueError`` if
    it cannot be converted)."""
    found = _COMBINED.parse(f'0.0.0.0 - - [{time}] "GET / HTTP/1.1" 200 0')
    if isinstance(found, str):
        raise ValueError(f"{found}: {time!r}")
    return found.at


def is_gzip(path: Path) -> bool:
    """Whether the file's bytes start like gzip (rotated logs are compressed)."""
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def open_log(path: Path) -> BinaryIO:
    """A log file for reading bytes; gzip files are decompressed."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


BLOCK = 1 << 16
"""Progress is reported about every this many bytes."""


class Reader:
    """The lines of one log, from byte ``start``: ``for text in reader``.

    A last line without its newline is read, unless ``hold_partial`` (a live file in an
    incremental run: it may still be being written; the next run reads it) — then
    :attr:`held` says so.  A damaged compressed file ends the iteration and sets
    :attr:`damage`; everything before the damage is read.  :attr:`end` is the offset after
    the last line read; ``progress`` is called with the bytes of each block.
    """

    def __init__(
        self,
        handle: BinaryIO,
        start: int = 0,
        *,
        hold_partial: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.handle = handle
        self.start = start
        self.hold_partial = hold_partial
        self.progress = progress
        self.damage = ""
        self.held = False
        self.end = start

    def __iter__(self) -> Iterator[str]:
        if not isinstance(self.handle, gzip.GzipFile):
            return self._blocks()
        return self._lines()

    def _blocks(self) -> Iterator[str]:
        """A plain file, a block at a time: one read and one decode per block, not per line
        (the same text: a newline is never part of a UTF-8 sequence, so decoding a block
        replaces exactly the bytes that decoding each line would)."""
        handle = self.handle
        if self.start:
            handle.seek(self.start)
        offset = self.start
        rest = b""
        progress = self.progress
        try:
            while True:
                block = handle.read(BLOCK)
                if not block:
                    break
                if rest:
                    block = rest + block
                cut = block.rfind(b"\n") + 1
                if cut == 0:  # no line ends in this block yet
                    rest = block
                    continue
                rest = block[cut:]
                text = block[:cut].decode("utf-8", "replace")
                found = text.split("\n")
                found.pop()  # (after the last newline)
                if "\r" in text:
                    found = [line.rstrip("\r") for line in found]
                yield from found
                offset += cut
                if progress is not None:
                    progress(cut)
            if rest:
                if self.hold_partial:
                    self.held = True
                else:
                    offset += len(rest)
                    yield rest.decode("utf-8", "replace").rstrip("\r")
        except OSError as error:  # a read error: what was read before it counts
            self.damage = f"{DAMAGED}: {error}"
        finally:
            self.end = offset

    def _lines(self) -> Iterator[str]:
        handle = self.handle
        if self.start:
            handle.seek(self.start)
        offset = reported = self.start
        progress = self.progress
        try:
            for raw in handle:
                if raw[-1:] != b"\n":
                    if self.hold_partial:
                        self.held = True
                        break
                    offset += len(raw)
                    yield raw.decode("utf-8", "replace").rstrip("\r")
                    break
                offset += len(raw)
                if progress is not None and offset - reported > BLOCK:
                    progress(offset - reported)
                    reported = offset
                yield raw.decode("utf-8", "replace").rstrip("\r\n")
        except (EOFError, OSError, zlib.error) as error:  # gzip: truncated, trailing bytes, CRC
            self.damage = f"{DAMAGED}: {error}"
        finally:
            self.end = offset


def lines(handle: BinaryIO, start: int = 0) -> Iterator[str]:
    """Every line from byte ``start`` (see :class:`Reader`)."""
    return iter(Reader(handle, start))
