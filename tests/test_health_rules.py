"""Conditions, confirmation and maintenance windows (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from pipeline.health.conditions import Observation, Outcome, parse_condition
from pipeline.health.policy import DOWN, UP, EndpointState, Window, advance

AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
SEEN = Observation(
    True,
    200,
    "<h1>Jadwal Sidang</h1>",
    timedelta(milliseconds=240),
    AT + timedelta(days=20),
    None,
    AT,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[STATUS] == 200", Outcome.OK),
        ("[STATUS] != 200", Outcome.FAILED),
        ("[RESPONSE_TIME] < 300", Outcome.OK),
        ("[RESPONSE_TIME] < 200ms", Outcome.FAILED),
        ("[BODY] contains Jadwal Sidang", Outcome.OK),
        ("[BODY] !contains Jadwal", Outcome.FAILED),
        ("[BODY] == pat(*Jadwal*)", Outcome.OK),
        ("[BODY] != pat(*Jadwal*)", Outcome.FAILED),
        ("[CERTIFICATE_EXPIRATION] > 14d", Outcome.OK),
        ("[CERTIFICATE_EXPIRATION] > 3w", Outcome.FAILED),
        ("[DOMAIN_EXPIRATION] > 30d", Outcome.UNKNOWN),
        ("[CONNECTED] == true", Outcome.OK),
    ],
)
def test_conditions(text: str, expected: Outcome) -> None:
    assert parse_condition(text).evaluate(SEEN) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("STATUS == 200", "expected '[PLACEHOLDER] OP VALUE'"),
        ("[STATUSCODE] == 200", "unknown placeholder [STATUSCODE]"),
        ("[STATUS] == ok", "compares with a number"),
        ("[STATUS] contains 2", "applies to [BODY] only"),
        ("[CERTIFICATE_EXPIRATION] > soon", "duration"),
        ("[CONNECTED] == yes", "true or false"),
        ("[BODY] < x", "[BODY] takes"),
        ("[STATUS] ==", "no value"),
    ],
)
def test_condition_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_condition(text)


def _run(outcomes: str, *, fail: int = 2, ok: int = 2) -> list[tuple[str, str | None]]:
    state, out = EndpointState("x"), []
    for step, mark in enumerate(outcomes):
        state, change = advance(
            state,
            success=mark == "+",
            at=AT + timedelta(minutes=step),
            cause=mark,
            failure_threshold=fail,
            success_threshold=ok,
        )
        out.append((state.state, f"{change.before}>{change.after}" if change else None))
    return out


def test_confirmation_thresholds() -> None:
    assert _run("+--+--++") == [
        (UP, None),
        (UP, None),
        (DOWN, "up>down"),
        (DOWN, None),
        (DOWN, None),
        (DOWN, None),
        (DOWN, None),
        (UP, "down>up"),
    ]
    # Failures before the first success: the endpoint starts down, an incident opens.
    assert _run("--", fail=2)[-1] == (DOWN, "unknown>down")


def test_maintenance_freezes_state() -> None:
    down = EndpointState("x", DOWN, failures=5)
    state, change = advance(
        down,
        success=True,
        at=AT,
        cause="",
        failure_threshold=1,
        success_threshold=1,
        in_maintenance=True,
    )
    assert state == down and change is None


def test_window_across_midnight_and_weekdays() -> None:
    window = Window(time(23, 0), timedelta(hours=2), ("sat",))
    tz = "Asia/Makassar"  # UTC+8
    saturday_2330 = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)
    sunday_0030 = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)
    sunday_0130 = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)
    friday_2330 = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    assert window.contains(saturday_2330, tz) and window.contains(sunday_0030, tz)
    assert not window.contains(sunday_0130, tz) and not window.contains(friday_2330, tz)
