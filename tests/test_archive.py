"""warta archive: one bag per published version, never overwritten, verified."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.commands.archive import list_bags, run_archive, run_verify
from pipeline.commands.content import withdraw
from pipeline.commands.publish import publish
from pipeline.errors import IntegrityError
from tests.conftest import Project

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def _published(project: Project) -> Project:
    publish(project.config, now=NOW)
    return project


def test_archive_bags_each_item_once(project: Project) -> None:
    _published(project)
    first = run_archive(project.config, now=NOW)
    assert sorted(e.slug for e in first.created) == ["kegiatan-pertama", "visi-misi"]
    archive = project.root / "archive"
    bag = archive / next(e.path for e in first.created if e.slug == "kegiatan-pertama")
    assert (bag / "data/index.md").is_file()
    assert (bag / "data/files/surat.pdf").read_bytes() == b"%PDF-1.4 test\n"
    assert "<html" in (bag / "data/rendered/index.html").read_text()
    records = json.loads((bag / "data/records.json").read_text())
    assert records["approval"]["by"] == "hasan" and records["archive_version"] == 1
    assert "Warta-Version-Digest" in (bag / "bag-info.txt").read_text()
    manifest = (bag / "manifest-sha256.txt").read_text()
    assert "data/files/surat.pdf" in manifest
    before = {
        p: p.stat().st_mtime_ns
        for p in archive.rglob("*")
        if p.is_file() and p.name != "catalog.json"
    }
    again = run_archive(project.config, now=NOW + timedelta(hours=1))
    assert again.created == [] and again.unchanged == 2
    after = {
        p: p.stat().st_mtime_ns
        for p in archive.rglob("*")
        if p.is_file() and p.name != "catalog.json"
    }
    assert after == before  # nothing rewritten
    catalog = json.loads((archive / "catalog.json").read_text())
    assert len(catalog["bags"]) == 2 and catalog["version"] == 1
    assert len(run_verify(project.config)) == 2


def test_edit_and_withdrawal_make_new_versions(project: Project) -> None:
    _published(project)
    run_archive(project.config, now=NOW)
    page = project.root / "content/profil/visi-misi/index.md"
    page.write_text(page.read_text().replace("Isi berita", "Isi berita yang diperbarui"))
    publish(project.config, now=NOW)
    second = run_archive(project.config, now=NOW + timedelta(minutes=5))
    assert [e.slug for e in second.created] == ["visi-misi"]
    withdraw(project.config, "visi-misi", by="dimas", reason="usang", now=NOW)
    publish(project.config, now=NOW)  # kegiatan-pertama links to it: the link becomes text
    linking = json.loads((project.root / "site/api/items/kegiatan-pertama.json").read_text())
    assert "visi-misi" not in linking["html"] and "visi</a>" not in linking["html"]
    third = run_archive(project.config, now=NOW + timedelta(minutes=10))
    assert [(e.slug, e.status) for e in third.created] == [("visi-misi", "withdrawn")]
    bag = project.root / "archive" / third.created[0].path
    assert not (bag / "data/rendered").exists()
    versions = [b for b in list_bags(project.config) if b.slug == "visi-misi"]
    assert len(versions) == 3  # the earlier versions are all kept


def test_verify_detects_flipped_byte_and_missing_bag(project: Project) -> None:
    _published(project)
    created = run_archive(project.config, now=NOW).created
    archive = project.root / "archive"
    victim = archive / created[0].path / "data/index.md"
    data = bytearray(victim.read_bytes())
    data[10] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as caught:
        run_verify(project.config)
    assert any("data/index.md" in str(p) for p in caught.value.problems)
    import shutil

    shutil.rmtree(archive / created[1].path)
    with pytest.raises(IntegrityError) as caught:
        run_verify(project.config)
    assert any("missing" in str(p) and created[1].path in str(p) for p in caught.value.problems)


def test_archive_refuses_unbuilt_items(project: Project) -> None:
    with pytest.raises(IntegrityError, match="not built"):
        run_archive(project.config, now=NOW)
    assert not list((project.root / "archive").glob("*/*/bagit.txt"))


def test_verify_detects_a_rebuilt_bag_and_ignores_staging_leftovers(project: Project) -> None:
    import bagit

    _published(project)
    created = run_archive(project.config, now=NOW).created
    assert created[0].bagged_at == "2026-11-25"  # from --now, not the machine's clock
    archive = project.root / "archive"
    # An interrupted run leaves a hidden staging folder: not a bag, not listed.
    leftover = archive / "visi-misi" / ".bag.x1"
    leftover.mkdir()
    (leftover / "bagit.txt").write_text("BagIt-Version: 0.97\n")
    assert len(list_bags(project.config)) == 2
    # A bag whose data was swapped and whose manifests were regenerated passes
    # bagit's own check, but no longer matches its recorded version digest.
    bag_dir = archive / created[0].path
    (bag_dir / "data/index.md").write_text("---\ntitle: palsu\n---\n")
    bag = bagit.Bag(str(bag_dir))
    bag.save(manifests=True)
    with pytest.raises(IntegrityError) as caught:
        run_verify(project.config)
    assert any("version digest" in str(p) for p in caught.value.problems)
