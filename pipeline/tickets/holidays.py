"""Indonesian public holidays and collective leave days (cuti bersama), 2026 and 2027.

Source: the joint decree (SKB) of the Minister of Religious Affairs, the Minister of
Manpower and the Minister of State Apparatus on national holidays and cuti bersama,
issued each year for the next. 2026 follows the SKB for 2026. For 2027 only the dates
fixed by the Gregorian calendar or by Easter are listed: the Islamic, Hindu, Buddhist
and Chinese dates and the cuti bersama are set by the SKB for 2027, which sites must add
in ``tickets.holidays.add`` when it is published. Sites review this list every year.
"""

from __future__ import annotations

from datetime import date

HOLIDAYS: dict[date, str] = {
    # 2026 — national holidays
    date(2026, 1, 1): "Tahun Baru 2026 Masehi",
    date(2026, 1, 16): "Isra Mikraj Nabi Muhammad SAW",
    date(2026, 2, 17): "Tahun Baru Imlek 2577 Kongzili",
    date(2026, 3, 19): "Hari Suci Nyepi Tahun Baru Saka 1948",
    date(2026, 3, 21): "Idulfitri 1447 Hijriah",
    date(2026, 3, 22): "Idulfitri 1447 Hijriah",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 4, 5): "Kebangkitan Yesus Kristus (Paskah)",
    date(2026, 5, 1): "Hari Buruh Internasional",
    date(2026, 5, 14): "Kenaikan Yesus Kristus",
    date(2026, 5, 27): "Iduladha 1447 Hijriah",
    date(2026, 5, 31): "Hari Raya Waisak 2570 BE",
    date(2026, 6, 1): "Hari Lahir Pancasila",
    date(2026, 6, 16): "1 Muharam Tahun Baru Islam 1448 Hijriah",
    date(2026, 8, 17): "Hari Proklamasi Kemerdekaan Republik Indonesia",
    date(2026, 8, 25): "Maulid Nabi Muhammad SAW",
    date(2026, 12, 25): "Kelahiran Yesus Kristus",
    # 2026 — cuti bersama
    date(2026, 2, 16): "Cuti bersama Tahun Baru Imlek",
    date(2026, 3, 18): "Cuti bersama Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti bersama Idulfitri",
    date(2026, 3, 23): "Cuti bersama Idulfitri",
    date(2026, 3, 24): "Cuti bersama Idulfitri",
    date(2026, 5, 15): "Cuti bersama Kenaikan Yesus Kristus",
    date(2026, 5, 28): "Cuti bersama Iduladha",
    date(2026, 12, 24): "Cuti bersama Kelahiran Yesus Kristus",
    # 2027 — fixed dates and Easter only (see above)
    date(2027, 1, 1): "Tahun Baru 2027 Masehi",
    date(2027, 2, 6): "Tahun Baru Imlek 2578 Kongzili",
    date(2027, 3, 26): "Wafat Yesus Kristus",
    date(2027, 3, 28): "Kebangkitan Yesus Kristus (Paskah)",
    date(2027, 5, 1): "Hari Buruh Internasional",
    date(2027, 5, 6): "Kenaikan Yesus Kristus",
    date(2027, 6, 1): "Hari Lahir Pancasila",
    date(2027, 8, 17): "Hari Proklamasi Kemerdekaan Republik Indonesia",
    date(2027, 12, 25): "Kelahiran Yesus Kristus",
}
