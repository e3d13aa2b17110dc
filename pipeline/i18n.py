"""The locale layer: every text, date, time, number, size and duration a person reads.

Everything a person reads (reports, the status page, tickets, visitor reports, alerts, the
desk) is Indonesian by default with English available. This module is the one place that
knows how: it formats with Babel (the CLDR data installed with mkdocs) and translates
through one message catalogue.

The API is small on purpose::

    from pipeline import i18n

    i18n.register({                      # once, at import of the area's module
        "id": {"report.title": "Laporan Situasi", "report.items_one": ...},
        "en": {"report.title": "Situation Report"},
    })
    loc = i18n.Locale("id", "Asia/Makassar")
    loc.t("report.title")                # "Laporan Situasi"
    loc.t("report.items", count=3)       # picks "report.items_one" when count == 1 (English)
    loc.datetime(moment)                 # "1 November 2026 08.20 WITA"
    loc.date(day)                        # "1 November 2026"
    loc.time(moment)                     # "08.20 WITA"
    loc.number(1000000)                  # "1.000.000"
    loc.percent(0.9876)                  # "98,76%"
    loc.size(28_240_000_000)             # "26,3 GiB"
    loc.duration(timedelta(hours=22))    # "22 jam"

Rules the catalogue keeps:

- keys are namespaced by area (``report.``, ``status.``, ``tickets.``, ``visitors.``,
  ``health.``, ``desk.``, ``common.``); registering a key twice with another text is a
  programming error (:class:`ValueError`), so two areas never fight over one key;
- Indonesian is the reference: a key missing in English falls back to Indonesian, a key
  missing in Indonesian raises :class:`KeyError` (a bug a test must catch);
- texts are :meth:`str.format` templates (``{name}``); values given to :meth:`Locale.t`
  are formatted by the caller (use the formatting methods, never ``str(number)``);
- every moment is shown in the court's time zone with its label (``WITA``), never in UTC
  or without a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, timedelta
from datetime import date as Date
from datetime import datetime as DateTime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES = ("id", "en")
"""The languages every person-facing text exists in; the first is the default."""

DEFAULT_LANGUAGE = "id"
DEFAULT_TIMEZONE = "Asia/Makassar"

_CATALOGUE: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}


def register(texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add an area's texts (``{language: {key: text}}``) to the one catalogue.

    Registering the same key again with the same text is harmless (a module imported twice);
    with another text it raises :class:`ValueError`.
    """
    for language, entries in texts.items():
        if language not in _CATALOGUE:
            raise ValueError(f"unknown language {language!r}: use one of {LANGUAGES}")
        table = _CATALOGUE[language]
        for key, text in entries.items():
            if table.get(key, text) != text:
                raise ValueError(f"message {key!r} ({language}) is registered twice")
            table[key] = text


def catalogue(language: str) -> Mapping[str, str]:
    """The registered texts of ``language`` (read-only view, for tests and tools)."""
    return dict(_CATALOGUE[language])


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


class Locale:
    """One language and one time zone: translates texts and formats values for a person.

    ``language`` outside :data:`LANGUAGES` falls back to Indonesian. ``tz`` is an IANA zone
    name (``site.timezone`` of ``warta.yml``).
    """

    def __init__(self, language: str | None = DEFAULT_LANGUAGE, tz: str = DEFAULT_TIMEZONE):
        self.language = _language(language)
        self.tz = tz
        self.zone = ZoneInfo(tz)
        self._babel = "id_ID" if self.language == "id" else "en_GB"

    def __repr__(self) -> str:
        return f"Locale({self.language!r}, {self.tz!r})"

    # -- texts ------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether ``key`` is in the catalogue (in Indonesian, the reference language)."""
        return key in _CATALOGUE[DEFAULT_LANGUAGE]

    def t(self, key: str, /, count: Any = None, **values: Any) -> str:
        """The text of ``key`` in this language, filled with ``values``.

        With ``count``, ``key_one`` is used when ``count == 1`` and it exists (English
        plurals; Indonesian needs none), and ``{count}`` is filled with the formatted number.
        """
        reference = _CATALOGUE[DEFAULT_LANGUAGE]
        table = _CATALOGUE[self.language]
        if count is not None and not isinstance(count, int):
            raise TypeError(f"count of {key!r} must be an int, got {count!r}")
        if count is not None:
            values["count"] = self.number(count)
            if count == 1 and (key + "_one") in table:
                key = key + "_one"
        if key not in reference and key not in table:
            raise KeyError(f"message {key!r} is not in the catalogue")
        text = table.get(key) or reference[key]
        return text.format(**values) if values else text

    def t_or(self, key: str, default: str, /, **values: Any) -> str:
        """The text of ``key`` when it is in the catalogue, else ``default`` unchanged."""
        return self.t(key, **values) if self.has(key) else default

    # -- numbers ----------------------------------------------------------------------

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """``1.000.000`` / ``1,000,000``; ``digits`` decimals, always shown; None is ``—``."""
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self._babel)

    def percent(self, share: float | None, digits: int = 2) -> str:
        """A share (0..1) as ``98,76%`` / ``98.76%``; None is ``—``."""
        if share is None:
            return "—"
        return self.number(share * 100, digits) + "%"

    def size(self, n: int | None) -> str:
        """Bytes in binary units: ``512 B``, ``26,3 GiB``; None is ``—``."""
        if n is None:
            return "—"
        value = float(n)
        for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
            if value < 1024 or unit == "TiB":
                return f"{self.number(value, 0 if unit == 'B' else 1)} {unit}"
            value /= 1024
        raise AssertionError("unreachable")

    def ms(self, value: float | None) -> str:
        """Milliseconds: ``1.234 ms``; None is ``—``."""
        return "—" if value is None else f"{self.number(value)} ms"

    # -- durations --------------------------------------------------------------------

    def duration(self, value: timedelta | None) -> str:
        """A duration in at most two units: ``45 menit``, ``22 jam 5 menit``, ``3 hari 2 jam``.

        English: ``45 min``, ``22 h 5 min``, ``3 days 2 h``. Negative durations count as zero;
        None is ``—``.
        """
        if value is None:
            return "—"
        seconds = max(0, int(value.total_seconds()))
        minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
        if seconds < 60:
            return self.t("common.seconds", n=seconds)
        if minutes < 60:
            return self.t("common.minutes", n=minutes)
        if hours < 24:
            rest = minutes % 60
            if rest:
                return self.t("common.hours_minutes", h=hours, m=rest)
            return self.t("common.hours", h=hours)
        rest = hours % 24
        d = self.t("common.days", count=days)
        return f"{d} {self.t('common.hours', h=rest)}" if rest else d

    # -- dates and times --------------------------------------------------------------

    def local(self, moment: DateTime) -> DateTime:
        """``moment`` in the court's time zone (a naive moment is taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def zone_label(self, moment: DateTime) -> str:
        """The zone's label at ``moment``: ``WITA``, ``WIB``, ``UTC``."""
        name = self.local(moment).tzname() or self.tz
        return name if name.isalpha() else f"UTC{name}"

    def date(self, day: Date | DateTime, *, short: bool = False) -> str:
        """``1 November 2026`` / ``1 November 2026``; short: ``1 Nov 2026``.

        A moment is first moved to the court's time zone.
        """
        if isinstance(day, DateTime):
            day = self.local(day).date()
        return format_date(day, "d MMM y" if short else "d MMMM y", locale=self._babel)

    def month(self, day: Date) -> str:
        """``Maret 2026`` / ``March 2026``."""
        return format_date(day, "LLLL y", locale=self._babel)

    def weekday_date(self, day: Date) -> str:
        """``Senin, 1 Maret 2027`` / ``Monday, 1 March 2027``."""
        return format_date(day, "EEEE, d MMMM y", locale=self._babel)

    def day_month(self, day: Date) -> str:
        """``01/03``: the short label of a day on a chart's axis."""
        return f"{day.day:02d}/{day.month:02d}"

    def time(self, moment: DateTime, *, seconds: bool = False) -> str:
        """``08.20 WITA`` / ``08:20 WITA`` in the court's time zone."""
        local = self.local(moment)
        sep = "." if self.language == "id" else ":"
        text = f"{local.hour:02d}{sep}{local.minute:02d}"
        if seconds:
            text += f"{sep}{local.second:02d}"
        return f"{text} {self.zone_label(moment)}"

    def datetime(self, moment: DateTime, *, short: bool = False, seconds: bool = False) -> str:
        """``1 November 2026 08.20 WITA`` in the court's time zone; short: ``1 Nov 2026 …``."""
        return f"{self.date(moment, short=short)} {self.time(moment, seconds=seconds)}"


register(
    {
        "id": {
            "common.seconds": "{n} detik",
            "common.minutes": "{n} menit",
            "common.hours": "{h} jam",
            "common.hours_minutes": "{h} jam {m} menit",
            "common.days": "{count} hari",
            "common.none": "—",
            "common.yes": "ya",
            "common.no": "tidak",
            "common.unknown": "tidak diketahui",
            "common.generated_by": "Dibuat oleh warta",
            "common.page_of": "Halaman {n} dari {total}",
        },
        "en": {
            "common.seconds": "{n} s",
            "common.minutes": "{n} min",
            "common.hours": "{h} h",
            "common.hours_minutes": "{h} h {m} min",
            "common.days": "{count} days",
            "common.days_one": "{count} day",
            "common.none": "—",
            "common.yes": "yes",
            "common.no": "no",
            "common.unknown": "unknown",
            "common.generated_by": "Generated by warta",
            "common.page_of": "Page {n} of {total}",
        },
    }
)
