"""The locale layer and the one template environment (issue 17)."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path

import jinja2
import pytest

from pipeline import i18n, templating
from pipeline.i18n import Locale
from tests.english import english_words

ROOT = Path(__file__).resolve().parent.parent
MOMENT = datetime(2026, 11, 1, 0, 20, 44, 123456, tzinfo=UTC)


def test_indonesian_formats() -> None:
    loc = Locale("id", "Asia/Makassar")
    assert loc.datetime(MOMENT) == "1 November 2026 08.20 WITA"
    assert loc.datetime(MOMENT, short=True) == "1 Nov 2026 08.20 WITA"
    assert loc.time(MOMENT, seconds=True) == "08.20.44 WITA"
    assert loc.date(date(2027, 3, 1)) == "1 Maret 2027"
    assert loc.weekday_date(date(2027, 3, 1)) == "Senin, 1 Maret 2027"
    assert loc.number(1000000) == "1.000.000"
    assert loc.number(1234.56, 1) == "1.234,6"
    assert loc.percent(0.0) == "0,00%"
    assert loc.percent(0.98766) == "98,77%"
    assert loc.percent(None) == "—"
    assert loc.size(28_240_000_000) == "26,3 GiB"
    assert loc.size(512) == "512 B"
    assert loc.ms(1234) == "1.234 ms"
    assert loc.duration(timedelta(minutes=1)) == "1 menit"
    assert loc.duration(timedelta(hours=22, minutes=5)) == "22 jam 5 menit"
    assert loc.duration(timedelta(days=1)) == "1 hari"
    assert loc.duration(timedelta(days=3, hours=2)) == "3 hari 2 jam"
    assert loc.duration(timedelta(seconds=-5)) == "0 detik"


def test_english_formats() -> None:
    loc = Locale("en", "Asia/Makassar")
    assert loc.datetime(MOMENT) == "1 November 2026 08:20 WITA"
    assert loc.number(1000000) == "1,000,000"
    assert loc.percent(0.98766) == "98.77%"
    assert loc.size(28_240_000_000) == "26.3 GiB"
    assert loc.duration(timedelta(days=1)) == "1 day"
    assert loc.duration(timedelta(days=2, hours=1)) == "2 days 1 h"


def test_every_moment_carries_the_zone_label() -> None:
    assert Locale("id", "Asia/Jakarta").time(MOMENT) == "07.20 WIB"
    assert Locale("id", "Asia/Jayapura").time(MOMENT) == "09.20 WIT"
    assert Locale("id", "UTC").time(MOMENT) == "00.20 UTC"
    naive = MOMENT.replace(tzinfo=None)  # a naive moment is UTC, never local by accident
    assert Locale("id").time(naive) == "08.20 WITA"


def test_unknown_language_falls_back_to_indonesian() -> None:
    assert Locale("fr").language == "id"
    assert Locale(None).t("common.unknown") == "tidak diketahui"


def test_catalogue_fallback_plural_and_conflicts() -> None:
    i18n.register(
        {
            "id": {"test.only_id": "hanya {n}", "test.items": "{count} butir"},
            "en": {"test.items": "{count} items", "test.items_one": "{count} item"},
        }
    )
    assert Locale("en").t("test.only_id", n=2) == "hanya 2"  # English falls back
    assert Locale("en").t("test.items", count=1) == "1 item"
    assert Locale("en").t("test.items", count=1000) == "1,000 items"
    assert Locale("id").t("test.items", count=1000) == "1.000 butir"
    with pytest.raises(KeyError, match=r"test\.missing"):
        Locale("id").t("test.missing")
    with pytest.raises(ValueError, match="registered twice"):
        i18n.register({"id": {"test.items": "lain"}})
    i18n.register({"id": {"test.items": "{count} butir"}})  # same text again: harmless
    with pytest.raises(ValueError, match="unknown language"):
        i18n.register({"fr": {"x": "y"}})


def test_every_english_text_has_an_indonesian_reference() -> None:
    import pipeline.i18n  # noqa: F401  (the common texts)

    reference = set(i18n.catalogue("id"))
    english = {k.removesuffix("_one") for k in i18n.catalogue("en")}  # English plurals
    assert not english - reference


def test_templates_escape_everything_not_marked_safe() -> None:
    env = templating.environment()
    page = env.from_string("{{ x }}|{{ svg }}").render(
        x="<script>alert(1)</script>", svg=templating.Markup("<svg></svg>")
    )
    assert page == "&lt;script&gt;alert(1)&lt;/script&gt;|<svg></svg>"


def test_templates_refuse_undefined_values() -> None:
    with pytest.raises(jinja2.UndefinedError):
        templating.environment().from_string("{{ nothing.here }}").render()


def test_filters_use_the_locale_of_the_render(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        "<p>{{ when|datetime }} · {{ n|number }} · {{ share|percent }} · {{ b|size }} · "
        "{{ d|duration }} · {{ t('common.unknown') }} · {{ name }}</p>{% endblock %}"
    )
    env = templating.environment([tmp_path])
    values = {
        "when": MOMENT,
        "n": 1000000,
        "share": 0.5,
        "b": 2048,
        "d": timedelta(hours=2),
        "name": "<b>x</b>",
        "site_name": "PN Contoh",
        "title": "Judul",
    }
    page = env.get_template("page.html").render(loc=Locale("id"), **values)
    assert (
        "1 November 2026 08.20 WITA · 1.000.000 · 50,00% · 2,0 KiB · 2 jam · tidak diketahui"
        in (page)
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert '<html lang="id">' in page
    assert "--warta-primary: #2e7d32" in page  # the site's colours, from base.html
    english = env.get_template("page.html").render(loc=Locale("en"), **values)
    assert "1,000,000 · 50.00% · 2.0 KiB · 2 h · unknown" in english


def test_render_requires_a_locale() -> None:
    with pytest.raises(RuntimeError, match=r"templating\.render"):
        templating.environment().from_string("{{ 1|number }}").render()


def test_templates_are_package_data() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["pipeline"]
    templates = sorted((ROOT / "pipeline" / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        relative = path.relative_to(ROOT / "pipeline").as_posix()
        assert any(fnmatch(relative, p) for p in patterns), relative


def test_english_word_detector() -> None:
    assert english_words("<p>cannot connect: All connection attempts failed</p>") == [
        "all",
        "attempts",
        "cannot",
        "connect",
        "connection",
        "failed",
    ]
    assert english_words("<p>Permintaan 1.000 <code>GET /the/admin</code> 10.0.0.1</p>") == []
    assert english_words(Locale("id").duration(timedelta(days=1, hours=2))) == []
    assert english_words(Locale("en").duration(timedelta(days=1, hours=2))) == ["day"]


def test_every_visitor_rule_and_agent_family_has_a_label() -> None:
    from pipeline.visitors import labels
    from pipeline.visitors.rules import RULES

    for language in i18n.LANGUAGES:
        loc = Locale(language)
        for rule in RULES:
            assert labels.rule_name(rule.id, loc) != rule.id or language == "en", rule.id
            assert loc.has(f"rule.{rule.id}"), rule.id
        for family in ("Crawlers", "Others", "Unknown"):
            assert labels.agent_family(family, loc) != family or language == "en"
