"""warta compliance: the assessment's checklist as data, and a site's score against it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.compliance import run_compliance
from pipeline.content.store import scan
from pipeline.errors import ConfigError
from pipeline.report import gather
from pipeline.report.model import period_ending
from pipeline.site.compliance import CHECKLIST, STUB_MARKER, load_checklist
from tests.conftest import Project

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def finding(project: Project, item_id: str):  # type: ignore[no-untyped-def]
    result = run_compliance(project.config, now=NOW)
    return next(f for f in result.findings if f.item.id == item_id)


def test_the_checklist_names_its_basis_and_where_each_item_lives() -> None:
    checklist = load_checklist()
    ids = [item.id for item in checklist.items]
    assert len(ids) == len(set(ids))
    assert {"lhkpn", "lkjip", "zona-integritas", "maklumat-pelayanan", "survei-kepuasan"} <= set(
        ids
    )
    assert {"standar-pelayanan", "layanan-disabilitas", "kontak", "sipp", "siwas"} <= set(ids)
    assert {"e-court", "direktori-putusan"} <= set(ids)
    assert {item.basis for item in checklist.items} == {"sk-kma", "badilag"}
    assert all(item.where.shown() for item in checklist.items)


def test_a_small_site_lists_what_is_missing(project: Project) -> None:
    result = run_compliance(project.config, now=NOW)
    assert 0 < result.percent < 50
    visi = next(f for f in result.findings if f.item.id == "visi-misi")
    assert visi.status == "ok" and visi.found == "content/profil/visi-misi/index.md"
    lhkpn = next(f for f in result.findings if f.item.id == "lhkpn")
    assert lhkpn.status == "missing"
    assert "transparansi" in lhkpn.todo and "lhkpn-" in lhkpn.todo
    sipp = next(f for f in result.findings if f.item.id == "sipp")
    assert sipp.status == "missing" and "court.links" in sipp.todo


def test_a_stub_is_not_present(project: Project) -> None:
    project.published("sejarah", "profil", title="Sejarah Pengadilan", body=f"\n{STUB_MARKER}\n")
    stub = finding(project, "sejarah")
    assert stub.status == "stub" and not stub.present
    assert stub.todo == "write content/profil/sejarah/index.md (still the stub of warta init)"
    project.published("sejarah", "profil", title="Sejarah Pengadilan", body="\nSudah ditulis.\n")
    assert finding(project, "sejarah").status == "ok"


def test_an_old_item_is_stale_and_a_new_one_fresh(project: Project) -> None:
    # The example's news is from 20 November 2026 (conftest): fresh within 14 days of NOW.
    assert finding(project, "berita").status == "ok"
    later = run_compliance(project.config, now=datetime(2027, 1, 5, tzinfo=UTC))
    berita = next(f for f in later.findings if f.item.id == "berita")
    assert berita.status == "stale" and berita.fresh is False and berita.present


def test_linked_from_home_needs_a_link_in_the_home_page(project: Project) -> None:
    project.published("kontak", "profil", title="Kontak dan Lokasi Pengadilan")
    assert finding(project, "kontak").status == "unlinked"
    project.write("content/index.md", "# Beranda\n\n[Kontak](profil/kontak/index.md)\n")
    assert finding(project, "kontak").status == "ok"


def test_cli_prints_the_score_and_can_fail_under(project: Project) -> None:
    runner = CliRunner()
    config = str(project.root / "warta.yml")
    shown = runner.invoke(cli, ["--config", config, "compliance", "--now", NOW.isoformat()])
    assert shown.exit_code == 0, shown.output
    assert "score " in shown.output and "to fill" in shown.output
    data = runner.invoke(
        cli, ["--config", config, "compliance", "--json", "--now", NOW.isoformat()]
    )
    parsed = json.loads(data.output)
    assert 0 < parsed["score"] < 50
    assert {"id", "status", "todo", "basis", "where"} <= set(parsed["findings"][0])
    failed = runner.invoke(cli, ["--config", config, "compliance", "--fail-under", "100"])
    assert failed.exit_code == 1


def test_the_situation_report_carries_the_score(project: Project) -> None:
    config = project.config
    period = period_ending("week", date(2026, 11, 24), config.site.timezone)
    content = gather.content(config, scan(config).items, period, "id")
    direct = run_compliance(config, now=period.until)
    assert content.site_compliance == pytest.approx(direct.percent)
    assert "lhkpn" in content.site_to_fill


def test_a_broken_checklist_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "checklist.yml"
    bad.write_text(CHECKLIST.read_text().replace("where: {page: profil/visi-misi}", "where: {}"))
    with pytest.raises(ConfigError) as caught:
        load_checklist(bad)
    assert str(bad) in str(caught.value.problems[0])


def test_hostile_checklist_yaml_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "checklist.yml"
    bomb.write_text('a: &a ["x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n')
    with pytest.raises(ConfigError):
        load_checklist(bomb)
