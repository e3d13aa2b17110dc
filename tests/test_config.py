from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.config import load_config, parse_config, parse_duration
from pipeline.errors import ConfigError
from tests.conftest import WARTA_YML


def test_example_config_loads() -> None:
    config = load_config(Path(__file__).parent.parent / "warta.yml")
    assert config.site.language == "id"
    assert config.category("berita").kind == "post"  # type: ignore[union-attr]
    assert {r for p in config.people for r in p.roles} >= {"penanggung-jawab", "ketua"}


def test_all_problems_reported_at_once_with_lines(tmp_path: Path) -> None:
    text = (
        WARTA_YML.replace("language: id", "language: fr").replace(
            "    max_age: 7d", "    max_age: seminggu"
        )
        + "colour: green\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="warta.yml", root=tmp_path)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 3, shown
    lines = text.splitlines()
    fr_line = next(i for i, line in enumerate(lines, 1) if "language: fr" in line)
    age_line = next(i for i, line in enumerate(lines, 1) if "seminggu" in line)
    assert any(s.startswith(f"warta.yml:{fr_line}: site.language") for s in shown)
    assert any(s.startswith(f"warta.yml:{age_line}: categories[2].max_age") for s in shown)
    assert any("colour: unknown setting" in s for s in shown)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("site:\n  name: [unclosed\n", source="warta.yml", root=tmp_path)
    assert str(caught.value.problems[0]).startswith("warta.yml:3")


def test_missing_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as caught:
        load_config(tmp_path / "nope.yml")
    assert "--config" in str(caught.value)
    bad = tmp_path / "warta.yml"
    bad.write_bytes(b"site:\n  name: Pengadilan \xff\n")
    with pytest.raises(ConfigError, match="unreadable") as caught:
        load_config(bad)
    assert "UTF-8" in str(caught.value)


def test_duplicate_category_refused(tmp_path: Path) -> None:
    text = WARTA_YML.replace("  - id: layanan", "  - id: profil")
    with pytest.raises(ConfigError, match="problem") as caught:
        parse_config(text, source="warta.yml", root=tmp_path)
    assert "listed twice" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("3h", timedelta(hours=3)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        (90, timedelta(minutes=90)),
    ],
)
def test_durations(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_bad_duration() -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration("a week")
