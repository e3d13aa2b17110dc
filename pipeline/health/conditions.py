"""Conditions on a check's result, written as Gatus writes them.

    [STATUS] == 200
    [RESPONSE_TIME] < 800            (milliseconds)
    [BODY] contains Pengadilan Agama
    [BODY] !contains Internal Server Error
    [BODY] == pat(*Jadwal Sidang*)
    [CERTIFICATE_EXPIRATION] > 14d   (durations: 30m, 12h, 14d, 2w)
    [DOMAIN_EXPIRATION] > 30d
    [CONNECTED] == true

A condition whose value cannot be known (no certificate, no domain date) is
*unknown*: reported as a warning, never as OK.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pipeline.durations import parse_duration

PLACEHOLDERS = (
    "STATUS",
    "BODY",
    "RESPONSE_TIME",
    "CERTIFICATE_EXPIRATION",
    "DOMAIN_EXPIRATION",
    "CONNECTED",
)
_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_SYNTAX = re.compile(
    r"^\s*\[(?P<placeholder>[A-Z_]+)\]\s*(?P<op>==|!=|<=|>=|<|>|!contains|contains)\s*"
    r"(?P<value>.*?)\s*$"
)


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Observation:
    """What one probe saw; ``None`` where nothing could be seen."""

    connected: bool
    status: int | None = None
    body: str = ""
    response_time: timedelta | None = None
    certificate_expires: datetime | None = None
    domain_expires: datetime | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Condition:
    """One parsed condition."""

    text: str
    placeholder: str
    op: str
    value: Any

    def evaluate(self, seen: Observation) -> Outcome:
        """OK, FAILED, or UNKNOWN when the observation lacks the value."""
        actual = _actual(self.placeholder, seen)
        if actual is None:
            return Outcome.UNKNOWN
        if self.op in ("contains", "!contains"):
            found = str(self.value) in str(actual)
            return Outcome.OK if found == (self.op == "contains") else Outcome.FAILED
        expected = self.value
        if isinstance(expected, _Pattern):
            matched = fnmatch.fnmatchcase(str(actual), expected.glob)
            return Outcome.OK if matched == (self.op == "==") else Outcome.FAILED
        return Outcome.OK if _ORDER_OPS[self.op](actual, expected) else Outcome.FAILED


@dataclass(frozen=True)
class _Pattern:
    glob: str


def _actual(placeholder: str, seen: Observation) -> Any:
    if placeholder == "CONNECTED":
        return seen.connected
    now = seen.at
    if placeholder == "STATUS":
        return seen.status
    if placeholder == "BODY":
        return seen.body
    if placeholder == "RESPONSE_TIME":
        return None if seen.response_time is None else seen.response_time.total_seconds() * 1000
    if placeholder == "CERTIFICATE_EXPIRATION":
        expires = seen.certificate_expires
        return None if expires is None or now is None else expires - now
    if placeholder == "DOMAIN_EXPIRATION":
        expires = seen.domain_expires
        return None if expires is None or now is None else expires - now
    return None


def _duration(text: str) -> timedelta:
    return parse_duration(text, bare_number=None)


def parse_condition(text: str) -> Condition:
    """Parse one condition; raise ValueError saying what is wrong."""
    match = _SYNTAX.match(text)
    if not match:
        raise ValueError(f"cannot read condition {text!r}: expected '[PLACEHOLDER] OP VALUE'")
    placeholder, op, raw = match.group("placeholder"), match.group("op"), match.group("value")
    if placeholder not in PLACEHOLDERS:
        raise ValueError(
            f"unknown placeholder [{placeholder}] in {text!r}; known: "
            + ", ".join(f"[{p}]" for p in PLACEHOLDERS)
        )
    if not raw:
        raise ValueError(f"condition {text!r} has no value")
    value: Any
    if placeholder == "BODY":
        if op not in ("contains", "!contains", "==", "!="):
            raise ValueError(f"[BODY] takes contains, !contains, == or !=, not {op}")
        pat = re.fullmatch(r"pat\((.*)\)", raw)
        value = _Pattern(pat.group(1)) if pat else raw
    elif op in ("contains", "!contains"):
        raise ValueError(f"{op} applies to [BODY] only, in {text!r}")
    elif placeholder == "STATUS":
        if not raw.isdigit():
            raise ValueError(f"[STATUS] compares with a number, got {raw!r}")
        value = int(raw)
    elif placeholder == "RESPONSE_TIME":
        value = (
            float(raw)
            if re.fullmatch(r"\d+(\.\d+)?", raw)
            else _duration(raw).total_seconds() * 1000
        )
    elif placeholder == "CONNECTED":
        if raw not in ("true", "false"):
            raise ValueError(f"[CONNECTED] compares with true or false, got {raw!r}")
        value = raw == "true"
    else:
        value = _duration(raw)
    return Condition(text, placeholder, op, value)
