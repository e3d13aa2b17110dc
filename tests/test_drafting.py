"""Drafting in the desk: new drafts and saves are commits on konten/<slug>."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from pipeline.commands import drafting
from pipeline.commands.drafting import DraftForm
from pipeline.content.branches import EditConflict
from pipeline.errors import ContentError, WorkflowError
from tests.conftest import Project

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
FORM = DraftForm(
    title="Sidang Keliling di Kecamatan Timur",
    category="berita",
    summary="Sidang keliling digelar di kantor kecamatan.",
    tags=["sidang keliling"],
    body="## Kegiatan\n\nSidang keliling berjalan tertib.\n",
)


@pytest.fixture
def site(project: Project) -> Project:
    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    return project


def test_a_new_draft_is_a_commit_by_its_author_on_its_branch(site: Project) -> None:
    saved = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    assert saved.branch == "konten/sidang-keliling-di-kecamatan-timur"
    shown = drafting.load(site.config, "sidang-keliling-di-kecamatan-timur")
    front = shown.item.front
    assert (front.author, front.status.value, front.category) == ("rina", "draft", "berita")
    assert front.history[0].by == "rina" and shown.head == saved.commit
    author = subprocess.run(
        ["git", "-C", str(site.root), "log", "-1", "--format=%an", saved.commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert author == "Rina Operator"
    assert "<h2" in shown.preview and "Sidang keliling berjalan tertib." in shown.preview


def test_the_preview_is_what_the_site_would_publish(site: Project) -> None:
    hostile = DraftForm(
        **{
            **FORM.__dict__,
            "body": "Halo <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))\n",
        }
    )
    drafting.start(site.config, by="rina", form=hostile, now=NOW)
    shown = drafting.load(site.config, "sidang-keliling-di-kecamatan-timur")
    assert "onerror" not in shown.preview and "javascript:" not in shown.preview
    rules = {f.rule for f in shown.findings}
    assert any(rule.startswith("html") for rule in rules), rules  # review names what is removed


def test_saves_keep_the_workflow_keys_and_refuse_a_stale_form(site: Project) -> None:
    first = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    slug = "sidang-keliling-di-kecamatan-timur"
    edited = DraftForm(**{**FORM.__dict__, "summary": "Ringkasan baru dari editor."})
    second = drafting.save(
        site.config, by="sari", slug=slug, form=edited, expected=first.commit, now=NOW
    )
    shown = drafting.load(site.config, slug)
    assert shown.item.front.summary == "Ringkasan baru dari editor."
    assert shown.item.front.author == "rina" and len(shown.item.front.history) == 1
    with pytest.raises(EditConflict) as caught:
        drafting.save(site.config, by="rina", slug=slug, form=FORM, expected=first.commit, now=NOW)
    assert "+summary: Ringkasan baru dari editor." in caught.value.diff
    assert drafting.load(site.config, slug).head == second.commit


def test_only_the_author_an_editor_or_the_redaktur_edits(site: Project) -> None:
    first = drafting.start(site.config, by="sari", form=FORM, now=NOW)
    slug = "sidang-keliling-di-kecamatan-timur"
    with pytest.raises(WorkflowError, match="may not edit the draft of sari"):
        drafting.save(site.config, by="rina", slug=slug, form=FORM, expected=first.commit, now=NOW)
    assert drafting.load(site.config, slug).head == first.commit


def test_an_invalid_form_writes_nothing(site: Project) -> None:
    with pytest.raises(ContentError):
        drafting.start(
            site.config, by="rina", form=DraftForm(title="   ", category="berita"), now=NOW
        )
    with pytest.raises(ContentError, match="unknown category"):
        drafting.start(
            site.config, by="rina", form=DraftForm(title="Judul baru", category="gosip"), now=NOW
        )
    bad_embargo = DraftForm(**{**FORM.__dict__, "publish_at": "besok pagi"})
    with pytest.raises(ContentError, match="embargo"):
        drafting.start(site.config, by="rina", form=bad_embargo, now=NOW)
    assert drafting.branches(site.config).slugs() == {}


def test_a_slug_already_published_is_refused(site: Project) -> None:
    site.published("sidang-keliling-di-kecamatan-timur")
    with pytest.raises(ContentError, match="duplicate slug"):
        drafting.start(site.config, by="rina", form=FORM, now=NOW)


def test_an_upload_is_collected_converted_and_saved_as_one_commit(site: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_sources import photo_with_gps, scan_jpeg

    first = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    slug = "sidang-keliling-di-kecamatan-timur"
    scan = scan_jpeg(tmp_path / "upload-1")
    photo = photo_with_gps(tmp_path / "upload-2")
    done = drafting.attach(
        site.config,
        by="rina",
        slug=slug,
        uploads=[(scan, "surat undangan.jpg"), (photo, "foto kegiatan.jpg")],
        expected=first.commit,
        now=NOW,
    )
    assert done.saved is not None and not done.refused, done.refused
    shown = drafting.load(site.config, slug)
    assert shown.head == done.saved.commit
    paths = {a.path for a in shown.item.front.attachments}
    assert done.made and set(done.made) <= paths
    assert {h.status for h in shown.item.front.history} >= {"draft", "collected", "converted"}
    # The files are on the branch (none missing); the editor is told to link them.
    errors = {f.rule for f in shown.findings if f.severity.value == "error"}
    assert errors <= {"attachments.unreferenced"}, shown.findings
    listed = subprocess.run(
        ["git", "-C", str(site.root), "ls-tree", "-r", "--name-only", done.saved.commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"drafts/{slug}/sources/" in listed and f"drafts/{slug}/files/" in listed
    assert not (site.root / "drafts" / slug).exists()  # nothing in the desk's work tree


def test_a_refused_upload_saves_nothing(site: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    slug = "sidang-keliling-di-kecamatan-timur"
    lying = tmp_path / "upload"
    lying.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # an executable called a PDF
    done = drafting.attach(
        site.config,
        by="rina",
        slug=slug,
        uploads=[(lying, "surat.pdf")],
        expected=first.commit,
        now=NOW,
    )
    assert done.saved is None and done.refused
    assert drafting.load(site.config, slug).head == first.commit


# -- review and approval in the desk, signed with held keys, proven by warta verify ----

PASS = "empat kata yang panjang"


@pytest.fixture
def signed_site(project: Project) -> tuple[Project, str]:
    import yaml

    from pipeline.commands import keys as key_cases

    project.write(".gitignore", ".warta/\n")
    held = {
        person: key_cases.make(project.config, by=person, passphrase=PASS).public
        for person in ("sari", "hasan")
    }
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    for person in data["people"]:
        if person["id"] in held:
            person["ssh_key"] = held[person["id"]]
    data["signing"] = {"enabled": True}
    project.write("warta.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    base = subprocess.run(
        ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return project, base


def test_draft_review_and_approval_in_the_desk_pass_warta_verify(
    signed_site: tuple[Project, str],
) -> None:
    from pipeline.commands import approval

    site, base = signed_site
    slug = "sidang-keliling-di-kecamatan-timur"
    linked = DraftForm(**{**FORM.__dict__, "body": FORM.body})
    drafted = drafting.start(site.config, by="rina", form=linked, now=NOW)
    reviewed = drafting.submit(
        site.config, by="sari", slug=slug, expected=drafted.commit, passphrase=PASS, now=NOW
    )
    shown = drafting.load(site.config, slug)
    assert shown.item.front.status.value == "in-review" and shown.head == reviewed.commit
    step = drafting.approve(
        site.config, by="hasan", slug=slug, expected=reviewed.commit, passphrase=PASS, now=NOW
    )
    main = subprocess.run(
        ["git", "-C", str(site.root), "rev-parse", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert step.commit == main and step.route == "routine"
    report = approval.verify(site.config, base=base)
    assert report.ok and [v.commit for v in report.approvals] == [step.commit]


def test_a_wrong_passphrase_or_a_stale_page_approves_nothing(
    signed_site: tuple[Project, str],
) -> None:
    from pipeline.errors import AuthError

    site, _base = signed_site
    slug = "sidang-keliling-di-kecamatan-timur"
    drafted = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    with pytest.raises(AuthError, match="wrong key passphrase"):
        drafting.submit(
            site.config,
            by="sari",
            slug=slug,
            expected=drafted.commit,
            passphrase="salah sekali ya",
            now=NOW,
        )
    reviewed = drafting.submit(
        site.config, by="sari", slug=slug, expected=drafted.commit, passphrase=PASS, now=NOW
    )

    def main() -> str:
        return subprocess.run(
            ["git", "-C", str(site.root), "rev-parse", "main"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    before = main()
    with pytest.raises(EditConflict, match="changed since it was shown"):
        drafting.approve(
            site.config, by="hasan", slug=slug, expected=drafted.commit, passphrase=PASS, now=NOW
        )
    with pytest.raises(AuthError):
        drafting.approve(
            site.config,
            by="hasan",
            slug=slug,
            expected=reviewed.commit,
            passphrase="x" * 15,
            now=NOW,
        )
    with pytest.raises(WorkflowError):  # an editor reviews; only the route's approver approves
        drafting.approve(
            site.config, by="sari", slug=slug, expected=reviewed.commit, passphrase=PASS, now=NOW
        )
    assert main() == before


def test_an_editor_may_not_review_their_own_draft_in_the_desk(
    signed_site: tuple[Project, str],
) -> None:
    site, _base = signed_site
    drafted = drafting.start(site.config, by="sari", form=FORM, now=NOW)
    with pytest.raises(WorkflowError, match="may not review"):
        drafting.submit(
            site.config,
            by="sari",
            slug="sidang-keliling-di-kecamatan-timur",
            expected=drafted.commit,
            passphrase=PASS,
            now=NOW,
        )


def test_an_api_token_cannot_sign_a_review(signed_site: tuple[Project, str]) -> None:
    from pipeline.actor import actor_for

    site, _base = signed_site
    drafted = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    token = actor_for(site.config, "sari", how="token")
    with pytest.raises(WorkflowError, match="an API token cannot sign"):
        drafting.submit(
            site.config,
            by=token,
            slug="sidang-keliling-di-kecamatan-timur",
            expected=drafted.commit,
            passphrase=PASS,
            now=NOW,
        )


def test_a_withdrawal_in_the_desk_is_reviewed_approved_and_verified(
    signed_site: tuple[Project, str],
) -> None:
    from pipeline.commands import approval

    site, base = signed_site
    asked = drafting.request_withdrawal(
        site.config, by="dimas", slug="visi-misi", reason="Diganti versi 2027.", now=NOW
    )
    assert asked.branch == "konten/tarik-visi-misi"
    found = drafting.withdrawal_of(site.config, "tarik-visi-misi")
    assert found is not None and found[0].front.status.value == "withdrawn"
    reviewed = drafting.submit(
        site.config,
        by="sari",
        slug="tarik-visi-misi",
        expected=asked.commit,
        passphrase=PASS,
        now=NOW,
    )
    with pytest.raises(WorkflowError):  # an editor reviews, the route's approver approves
        drafting.approve(
            site.config,
            by="sari",
            slug="tarik-visi-misi",
            expected=reviewed.commit,
            passphrase=PASS,
            now=NOW,
        )
    step = drafting.approve(
        site.config,
        by="hasan",
        slug="tarik-visi-misi",
        expected=reviewed.commit,
        passphrase=PASS,
        now=NOW,
    )
    report = approval.verify(site.config, base=base)
    assert report.ok and [v.commit for v in report.approvals] == [step.commit]
    text = (site.root / "content/profil/visi-misi/index.md").read_text()
    assert "status: withdrawn" in text and "Diganti versi 2027." in text


def test_a_withdrawal_needs_a_reason_a_role_and_a_published_item(
    signed_site: tuple[Project, str],
) -> None:
    from pipeline.errors import NotFoundError

    site, _base = signed_site
    with pytest.raises(WorkflowError, match="reason"):
        drafting.request_withdrawal(site.config, by="dimas", slug="visi-misi", reason=" ", now=NOW)
    with pytest.raises(WorkflowError, match="withdraw items"):
        drafting.request_withdrawal(site.config, by="rina", slug="visi-misi", reason="x", now=NOW)
    with pytest.raises(NotFoundError):
        drafting.request_withdrawal(site.config, by="dimas", slug="tidak-ada", reason="x", now=NOW)
    assert drafting.branches(site.config).slugs() == {}


def test_without_signing_approval_merges_the_branch_and_publish_promotes_it(
    site: Project,
) -> None:
    from pipeline.commands.publish import publish

    slug = "sidang-keliling-di-kecamatan-timur"
    drafted = drafting.start(site.config, by="rina", form=FORM, now=NOW)
    reviewed = drafting.submit(site.config, by="sari", slug=slug, expected=drafted.commit, now=NOW)
    with pytest.raises(WorkflowError):
        drafting.approve(site.config, by="rina", slug=slug, expected=reviewed.commit, now=NOW)
    main_before = subprocess.run(
        ["git", "-C", str(site.root), "rev-parse", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert drafting.branches(site.config).git.resolve("main") == main_before  # put back
    step = drafting.approve(site.config, by="hasan", slug=slug, expected=reviewed.commit, now=NOW)
    assert step.front is not None and step.front.status.value == "approved"
    assert (site.root / "drafts" / slug / "index.md").is_file()
    result = publish(site.config, by="dimas", now=NOW)
    assert slug in result.promoted
