"""warta status: stage, holder and lateness against the SOP target times."""

from datetime import UTC, datetime, timedelta

from pipeline.commands.archive import run_archive
from pipeline.commands.publish import publish
from pipeline.commands.status import run_status
from tests.conftest import APPROVED, Project

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # 08:00 in Makassar


def _rows(project: Project, now: datetime) -> dict[str, object]:
    rows, _ = run_status(project.config, now=now)
    return {r.slug: r for r in rows}


def test_stages_and_holders(project: Project) -> None:
    project.draft("sedang-ditulis", history=[{"status": "draft", "at": T0, "by": "rina"}])
    project.draft(
        "menunggu-editor",
        status="in-review",
        history=[{"status": "in-review", "at": T0, "by": "rina"}],
    )
    project.draft(
        "menunggu-ketua",
        status="in-review",
        attention="special",
        review={"by": "sari", "at": T0, "result": "passed"},
        history=[{"status": "in-review", "at": T0, "by": "sari"}],
    )
    project.draft("siap-terbit", **APPROVED)
    rows = _rows(project, T0 + timedelta(minutes=20))
    assert (rows["sedang-ditulis"].stage, rows["sedang-ditulis"].holder) == ("draft", "rina")
    assert (rows["menunggu-editor"].stage, rows["menunggu-editor"].holder) == ("review", "editor")
    assert (rows["menunggu-ketua"].stage, rows["menunggu-ketua"].holder) == ("approval", "ketua")
    assert rows["siap-terbit"].stage == "publish"
    assert rows["kegiatan-pertama"].stage == "archive"  # published, not archived yet
    assert not rows["sedang-ditulis"].late  # 20 min of a 1 h target
    assert rows["menunggu-editor"].late is False
    later = _rows(project, T0 + timedelta(minutes=45))
    assert later["menunggu-editor"].late and later["menunggu-ketua"].late
    assert not later["sedang-ditulis"].late


def test_embargo_is_not_late_and_archived_items_are_done(project: Project) -> None:
    project.draft("tertunda", **APPROVED, publish_at="2026-12-31T08:00:00+08:00")
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    publish(project.config, now=now)
    run_archive(project.config, now=now)
    rows = _rows(project, now)
    assert set(rows) == {"tertunda"}
    assert rows["tertunda"].stage == "embargo" and not rows["tertunda"].late
    assert rows["tertunda"].age is None  # the embargo lies ahead: no negative age
    everything, _ = run_status(project.config, now=now, include_done=True)
    assert {r.slug for r in everything if r.stage == "done"} == {"kegiatan-pertama", "visi-misi"}


def test_collect_stage_from_new_with_sources_to_collected(project: Project) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    created = CliRunner().invoke(
        cli,
        [
            "--config",
            str(project.root / "warta.yml"),
            "new",
            "Bahan sidang keliling bulan ini",
            "--category",
            "berita",
            "--sources",
            "--as",
            "rina",
        ],
    )
    assert created.exit_code == 0, created.output
    folder = project.root / "drafts/bahan-sidang-keliling-bulan-ini"
    assert (folder / "sources").is_dir()
    opened = datetime.now(UTC)
    rows = _rows(project, opened + timedelta(hours=2))
    row = rows["bahan-sidang-keliling-bulan-ini"]
    assert (row.stage, row.holder, row.late) == ("collect", "operator", False)
    assert _rows(project, opened + timedelta(hours=4))[
        "bahan-sidang-keliling-bulan-ini"
    ].late  # the SOP allows 3 hours
    # Once material is collected, the item waits in convert (1 hour).
    from pipeline.content.model import HistoryEntry
    from pipeline.content.store import read_item, write_item

    item = read_item(folder, project.config)
    history = [
        *item.front.history,
        HistoryEntry(status="collected", at=opened + timedelta(hours=1), by="rina"),
    ]
    write_item(item, item.front.model_copy(update={"history": history}))
    row = _rows(project, opened + timedelta(hours=1, minutes=30))["bahan-sidang-keliling-bulan-ini"]
    assert (row.stage, row.late) == ("convert", False)


def test_board_puts_items_in_their_stage_and_filters(project: Project) -> None:
    from pipeline.commands.status import STAGES, board

    project.draft("rapat-kerja")  # berita, by rina, in draft
    project.draft("jadwal", category="layanan", status="in-review")
    columns = board(project.config, now=T0)
    assert list(columns) == list(STAGES)
    assert [c.row.slug for c in columns["draft"]] == ["rapat-kerja"]
    assert [c.row.slug for c in columns["review"]] == ["jadwal"]
    assert columns["review"][0].category == "layanan"
    only_news = board(project.config, now=T0, category="berita")
    shown = {c.row.slug for cards in only_news.values() for c in cards}
    assert "rapat-kerja" in shown and "jadwal" not in shown
    assert all(c.category == "berita" for cards in only_news.values() for c in cards)
    # Rina holds her draft; an editor holds what waits for review (by role).
    assert [c.row.slug for c in board(project.config, now=T0, person="rina")["draft"]] == [
        "rapat-kerja"
    ]
    held_by_sari = board(project.config, now=T0, person="sari")
    assert [c.row.slug for c in held_by_sari["review"]] == ["jadwal"] and not held_by_sari["draft"]


def test_board_shows_drafts_saved_in_the_desk_on_their_branches(project: Project) -> None:
    import subprocess

    import yaml

    from pipeline.commands.status import board
    from pipeline.content.branches import DraftBranches
    from pipeline.content.gitrepo import Git
    from tests.conftest import BODY, front

    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    branches = DraftBranches(Git(project.root))
    text = "---\n" + yaml.safe_dump(front("dari-meja"), sort_keys=False) + "---\n" + BODY
    branches.save(
        "dari-meja",
        {"index.md": text.encode()},
        author=("Rina Operator", "rina@pa-uji.example"),
        message="Draf",
        expected=None,
        now=T0,
    )
    assert not (project.root / "drafts/dari-meja").exists()  # only on its branch
    columns = board(project.config, now=T0, branches=branches)
    assert [c.row.slug for c in columns["draft"]] == ["dari-meja"]
    assert columns["draft"][0].category == "berita" and columns["draft"][0].row.holder == "rina"
    # Once merged into the published branch, the branch no longer adds a card.
    subprocess.run(
        ["git", "-C", root, "merge", "-q", "--no-ff", "-m", "m", "konten/dari-meja"], check=True
    )
    assert branches.unmerged() == {}
