"""The one duration syntax of warta: ``500ms``, ``10s``, ``30m``/``30min``, ``3h``, ``7d``, ``2w``.

Used by the configuration (``max_age``, targets, timeouts; a bare number there means
minutes) and by health conditions (``[RESPONSE_TIME] < 500ms``,
``[CERTIFICATE_EXPIRATION] > 14d``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)\s*$")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

EXAMPLES = "10s, 30m, 3h, 7d or 2w"


def parse_duration(value: Any, *, bare_number: str | None = "minutes") -> timedelta:
    """``value`` as a :class:`~datetime.timedelta`; :class:`ValueError` naming the syntax.

    ``bare_number`` is the unit of a plain number (``45`` → 45 minutes), or ``None`` to
    refuse plain numbers.
    """
    if isinstance(value, timedelta):
        return value
    if bare_number is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(**{bare_number: value})
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _SECONDS[match.group(2)])
    raise ValueError(f"expected a duration such as {EXAMPLES}, got {value!r}")
