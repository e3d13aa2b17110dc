"""The visitor area's vocabulary: the log-format language (GoAccess's ``log-format``
syntax and warta's presets) and the rules' ids with their default thresholds.

Foundations only: the configuration validates ``visitors.log_format`` and
``visitors.rules`` against this without reaching into the domain.
"""

from __future__ import annotations

import json
import re


class ParseError(ValueError):
    """A log format that cannot be used (raised when the format is compiled, never per line)."""


PRESETS = {
    "combined": '%h %^[%d:%t %^] "%r" %s %b "%R" "%u"',
    "vhost_combined": '%v:%^ %h %^[%d:%t %^] "%r" %s %b "%R" "%u"',
    "common": '%h %^[%d:%t %^] "%r" %s %b',
    "nginx_timed": '%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T',
    "json": json.dumps(
        {
            "remote_addr": "%h",
            "host": "%v",
            "time_local": "%d:%t %^",
            "time_iso8601": "%x",
            "request": "%r",
            "status": "%s",
            "body_bytes_sent": "%b",
            "http_referer": "%R",
            "http_user_agent": "%u",
            "request_time": "%T",
        }
    ),
}
"""GoAccess ``log-format`` strings of the formats warta knows by name.  ``nginx_timed`` is
combined with nginx's ``$request_time`` appended; ``json`` reads nginx's
``escape=json`` logs with the usual variable names as keys."""


_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
_FIELDS = {
    "h": "ip",
    "v": "vhost",
    "d": "date",
    "t": "clock",
    "x": "iso",
    "r": "request",
    "m": "method",
    "U": "path",
    "q": "query",
    "H": "protocol",
    "s": "status",
    "b": "size",
    "R": "referer",
    "u": "agent",
    "T": "seconds",
    "D": "micros",
    "L": "millis",
    "e": None,
    "^": None,
}
DEFAULT_DATE_FORMAT = "%d/%b/%Y"

GROUPS = (
    "ip",
    "vhost",
    "date",
    "clock",
    "zone",
    "iso",
    "request",
    "method",
    "path",
    "query",
    "protocol",
    "status",
    "size",
    "referer",
    "agent",
    "seconds",
    "millis",
    "micros",
)
"""The order :meth:`LogFormat._hit` takes the fields in."""


def _tokens(spec: str) -> list[tuple[str, str]]:
    """``("lit", text)`` and ``("spec", letter)`` pieces of a GoAccess format string."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(spec):
        if spec[i] == "%" and i + 1 < len(spec):
            letter = spec[i + 1]
            if letter == "%":
                tokens.append(("lit", "%"))
            elif letter in _FIELDS:
                tokens.append(("spec", letter))
            else:
                raise ParseError(f"unknown log-format specifier %{letter} in {spec!r}")
            i += 2
            continue
        if tokens and tokens[-1][0] == "lit":
            tokens[-1] = ("lit", tokens[-1][1] + spec[i])
        else:
            tokens.append(("lit", spec[i]))
        i += 1
    return tokens


def _pieces(spec: str, *, last: str = r"\S*") -> tuple[list[str], set[str], int | None]:
    """Regex pieces of a format, the field names it captures, and the index of the piece
    after the last of status and size (where an optional tail may start).

    Each specifier captures up to the next literal character, as GoAccess reads it (the
    last one: ``last``). A ``%^`` right after ``%t `` is the time zone (the combined
    format writes it there); it may be missing, so that such a line is counted as a date
    without a time zone rather than as a line in another format.
    """
    tokens = _tokens(spec)
    parts: list[str] = []
    names: set[str] = set()
    tail_from = None
    clock_at = -1
    for index, (kind, value) in enumerate(tokens):
        if kind == "lit":
            parts.append(re.escape(value))
            continue
        following = tokens[index + 1][1][0] if index + 1 < len(tokens) else ""
        name = _FIELDS[value]
        if following == '"':
            body = _QUOTED
        elif following:
            body = f"[^{re.escape(following)}]*"
        else:
            body = last
        if value == "^" and clock_at == index - 2 and tokens[index - 1] == ("lit", " "):
            parts.pop()  # the space before the zone
            stop = re.escape(following) if following else ""
            parts[-1] = f"(?P<clock>[^ {stop}]*)"
            parts.append(f"(?: (?P<zone>{body}))?")
            names.add("zone")
            continue
        if name is None:
            parts.append(f"(?:{body})")
            continue
        if name in names:
            raise ParseError(f"%{value} appears twice in {spec!r}")
        names.add(name)
        parts.append(f"(?P<{name}>{body})")
        if name == "clock":
            clock_at = index
        if name in ("status", "size"):
            tail_from = len(parts)
    return parts, names, tail_from


def _compile(spec: str) -> re.Pattern[str]:
    """A GoAccess format string as a regex matched at the start of a line.

    The fields after the status and size may be missing and the last closing quote may
    be absent (a common line in a combined log, a user agent cut short: GoAccess reads
    both).
    """
    parts, names, tail_from = _pieces(spec)
    if "ip" not in names or "status" not in names:
        raise ParseError(f"a log format needs at least %h and %s: {spec!r}")
    if not ({"date", "clock"} <= names or "iso" in names):
        raise ParseError(f"a log format needs a date and time (%d and %t, or %x): {spec!r}")
    if "request" not in names and "path" not in names:
        raise ParseError(f"a log format needs the request (%r, or %m %U %H): {spec!r}")
    # Every field name exists in the pattern (unmatched), so that one group() call reads them.
    absent = "".join(f"(?P<{name}>)" for name in GROUPS if name not in names)
    parts.append(f"(?:{absent}){{0}}" if absent else "")
    if tail_from is None or tail_from >= len(parts) - 1:
        return re.compile("".join(parts))
    head, tail, never = parts[:tail_from], parts[tail_from:-1], parts[-1]
    if tail[-1] == '"':
        tail[-1] = '"?'
    nested = ""
    for piece in reversed(tail):  # each further field is optional from where the line ends
        nested = f"(?:{piece}{nested})?" if piece.startswith("(") else piece + nested
    return re.compile("".join(head) + f"(?:{nested})?" + never)


def compile_format(spec: str) -> re.Pattern[str] | dict[str, re.Pattern[str]]:
    """A preset or format string compiled: one regex, or (a JSON format) one per key.
    Raises :class:`ParseError` saying what is wrong."""
    text = PRESETS.get(spec, spec)
    if not text.lstrip().startswith("{"):
        return _compile(text)
    try:
        mapping = json.loads(text)
    except ValueError as error:
        raise ParseError(f"a JSON log format must be a JSON object: {error}") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ParseError("a JSON log format maps keys to specifier strings")
    return {
        key: re.compile("".join(_pieces(value, last=".*")[0])) for key, value in mapping.items()
    }


THRESHOLDS: dict[str, tuple[int, float]] = {
    "probing": (10, 0.1),
    "sensitive-files": (0, 0.0),
    "admin-probing": (0, 0.0),
    "sql-injection": (0, 0.0),
    "xss": (0, 0.0),
    "path-traversal": (0, 0.0),
    "bad-agent": (0, 0.0),
    "log4j": (0, 0.0),
    "spring4shell": (0, 0.0),
    "thinkphp": (0, 0.0),
    "ognl-injection": (0, 0.0),
    "backdoors": (0, 0.0),
    "cve-probing": (0, 0.0),
    "remote-file-inclusion": (0, 0.0),
    "wordpress-user-enum": (5, 0.1),
    "open-proxy": (0, 0.0),
    "invalid-http-version": (0, 0.0),
    "switching-agents": (10, 0.125),
    "brute-force": (5, 0.1),
    "aggressive-crawling": (300, 5.0),
    "flood-400": (20, 1.0),
}
"""Rule id → (capacity, leak per second) by default; capacities and leaks follow
CrowdSec's scenarios of the same name where one exists (``http-wordpress_user-enum``: 5
per 10 s; ``http-dos-switching-ua``: 10 agents, 8 s; ``http-generic-bf``: 5 per 10 s)."""
