"""Indonesian public holidays and collective leave days (cuti bersama), from ``holidays``.

The dates come from the ``holidays`` package (the ``ID`` calendar), in its ``public``
category (national holidays, set by the ministers' joint decree, SKB) and its
``government`` category (cuti bersama, which government offices and courts observe). The
package follows the SKB of each year as it is published; for years whose SKB is not out
yet it estimates the lunar dates (their names end in "(perkiraan)"), and a court corrects
them in ``tickets.holidays.add``/``remove`` of ``warta.yml``, applied on top.

Why the package and not a bundled list: the bundled list had to be edited by hand every
year and was incomplete for 2027 (nine dates); the package is maintained against the
decrees and computes any year.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import holidays as holidays_package

CATEGORIES = ("public", "government")
"""National holidays and cuti bersama (the ``government`` category of the package)."""


class CourtHolidays:
    """The days off of an Indonesian court: the official calendar, plus ``add``, minus
    ``remove``. A container of dates (``day in calendar``), for any year."""

    def __init__(self, add: Iterable[date] = (), remove: Iterable[date] = ()) -> None:
        self.add = frozenset(add)
        self.remove = frozenset(remove)
        self._years: dict[int, frozenset[date]] = {}

    def _official(self, year: int) -> frozenset[date]:
        # One year's dates computed once into a plain set: a lookup is a set lookup
        # (the package's own container transforms its key and may populate a year on
        # each miss), and a calendar shared by the desk's threads is only ever read.
        found = self._years.get(year)
        if found is None:
            found = frozenset(
                holidays_package.country_holidays(
                    "ID", years=year, categories=CATEGORIES, language="id"
                )
            )
            self._years[year] = found
        return found

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        if isinstance(day, datetime):
            day = day.date()
        if day in self.add:
            return True
        return day not in self.remove and day in self._official(day.year)

    def names(self, year: int) -> dict[date, str]:
        """Every day off of ``year`` with its name (added days: "Libur tambahan")."""
        official = holidays_package.country_holidays(
            "ID", years=year, categories=CATEGORIES, language="id"
        )
        days = {day: str(name) for day, name in official.items()}
        days.update(
            {
                day: str(official.get(day, "Libur tambahan (warta.yml)"))
                for day in self.add
                if day.year == year
            }
        )
        for day in self.remove:
            days.pop(day, None)
        return dict(sorted(days.items()))


def official(years: Iterable[int]) -> dict[date, str]:
    """The official days off (national holidays and cuti bersama) of ``years``."""
    out: dict[date, str] = {}
    calendar = CourtHolidays()
    for year in years:
        out.update(calendar.names(year))
    return out
