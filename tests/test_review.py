"""Each review rule: a draft that must trigger it, and the clean draft that must not."""

import hashlib
import os
from pathlib import Path

import pytest

from pipeline.commands.content import run_review
from pipeline.content.review import RULES
from pipeline.content.review_format import to_markdown
from tests.conftest import BODY, Project

GOLDEN = Path(__file__).parent / "golden" / "review"
ROOT = Path(__file__).parent.parent


def rules_for(project: Project, slug: str) -> list[tuple[str, int]]:
    """(rule, line) of every finding for one draft."""
    report = run_review(project.config, [project.root / "drafts" / slug])
    return [(f.rule, int(f.where.rsplit(":", 1)[1])) for f in report.findings]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_clean_draft_has_no_findings(project: Project) -> None:
    project.draft("bersih-sekali", body=BODY + "\nLihat [visi](/profil/visi-misi/index.md).\n")
    assert rules_for(project, "bersih-sekali") == []


CASES = [
    ("writing.title-length", {"title": "Pendek"}, BODY, "title:"),
    ("writing.summary-missing", {"summary": ""}, BODY, "summary:"),
    ("writing.summary-length", {"summary": "x" * 301}, BODY, "summary:"),
    ("writing.heading-h1", {}, "\n# Judul Lagi\n", "# Judul Lagi"),
    ("writing.heading-order", {}, "\n## A\n\n#### B\n", "#### B"),
    ("writing.empty-link", {}, "\n## A\n\nLihat [](https://mahkamahagung.go.id).\n", "Lihat"),
    ("writing.image-alt", {}, "\n## A\n\n![](https://pa-uji.example/logo.png)\n", "!["),
    ("links.internal", {}, "\n## A\n\nLihat [x](/profil/tidak-ada/index.md).\n", "Lihat"),
    ("links.internal", {}, "\n## A\n\nLihat [x](../layanan/tidak-ada/).\n", "Lihat"),
    ("html.element", {}, "\n## A\n\n<script>alert(1)</script>\n", "<script>"),
    ("html.event-handler", {}, '\n## A\n\n<div onclick="x()">klik</div>\n', "onclick"),
    ("html.url", {}, "\n## A\n\n[klik](javascript:alert(1))\n", "klik"),
    ("html.external-image", {}, "\n## A\n\n![piksel](https://t.example/p.gif)\n", "piksel"),
    ("html.style", {}, '\n## A\n\n<p style="background:url(https://t.example/)">x</p>\n', "style"),
    ("html.attribute", {}, '\n## A\n\n<p data-x="1">x</p>\n', "data-x"),
    ("html.front-matter", {"title": "Sidang <b>penting</b> hari ini"}, BODY, "title:"),
    (
        "html.iframe-host",
        {},
        '\n## A\n\n<iframe src="https://evil.example/x"></iframe>\n',
        "iframe",
    ),
    (
        "markdown.limits",
        {},
        "\n## A\n\n" + "".join("    " * i + f"- tingkat {i}\n" for i in range(3000)),
        "- tingkat 16",
    ),
    ("markdown.limits", {}, "\n## A\n\nMulai\n\n" + "> " * 3000 + "kutipan\n", "> > >"),
    ("markdown.limits", {}, "\n## A\n\n" + "[" * 3000 + "x\n", "[[["),
    ("privacy.nik", {}, "\n## A\n\nNIK pemohon 3171011708450001.\n", "NIK"),
    ("privacy.phone", {}, "\n## A\n\nHubungi 0812-3456-7890 segera.\n", "Hubungi"),
    ("privacy.email", {}, "\n## A\n\nKirim ke budi.santoso@gmail.com.\n", "Kirim"),
    (
        "privacy.party-name",
        {"case_type": "cerai-gugat"},
        "\n## A\n\nSidang perkara Siti Aminah binti Abdullah ditunda.\n",
        "Sidang",
    ),
]


@pytest.mark.parametrize(
    ("rule", "front", "body", "needle"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_triggers_on_the_right_line(
    project: Project, rule: str, front: dict[str, object], body: str, needle: str
) -> None:
    path = project.draft("uji-aturan", body=body, **front)
    found = rules_for(project, "uji-aturan")
    assert (rule, line_of(path, needle)) in found, found


def test_every_rule_is_exercised_or_covered_elsewhere() -> None:
    here = {c[0] for c in CASES}
    elsewhere = {"schema", "slug.duplicate", "privacy.nik-like"}
    elsewhere |= {"privacy.attachment-unreadable"}  # tests/test_privacy_review.py
    elsewhere |= {r for r in RULES if r.startswith("attachments.")}
    elsewhere |= {"files.link"}  # tests/test_trust_model.py (a symlink to a private key)
    assert set(RULES) == here | elsewhere


def test_personal_data_in_title_and_summary(project: Project) -> None:
    path = project.draft(
        "judul-bocor",
        title="Sidang perkara NIK 3171011708450001 ditunda",
        summary="Hubungi budi.santoso@gmail.com untuk info.",
    )
    found = rules_for(project, "judul-bocor")
    assert ("privacy.nik", line_of(path, "title:")) in found
    assert ("privacy.email", line_of(path, "summary:")) in found


def test_allowed_iframe_phone_and_email_pass(project: Project) -> None:
    project.draft(
        "yang-boleh",
        body=(
            '\n## A\n\n<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>\n\n'
            "Telepon (0411) 555-0100 atau surel info@pa-uji.example.\n\n"
            "```\n<script>contoh kode tidak dijalankan</script>\n```\n"
        ),
    )
    assert rules_for(project, "yang-boleh") == []


def test_anonymised_case_passes(project: Project) -> None:
    project.draft(
        "perkara-cerai",
        case_type="cerai-gugat",
        body=("\n## A\n\nPENGGUGAT dan TERGUGAT hadir; Penggugat mengajukan bukti.\n"),
    )
    assert rules_for(project, "perkara-cerai") == []


def test_attachment_rules(project: Project) -> None:
    good = b"%PDF-1.4 lampiran\n"
    path = project.item(
        "drafts/lampiran-uji",
        {
            "title": "Lampiran yang diperiksa dengan teliti",
            "slug": "lampiran-uji",
            "date": "2026-11-20",
            "category": "berita",
            "summary": "Ringkasan.",
            "attachments": [
                {"path": "files/ada.pdf", "sha256": hashlib.sha256(b"lain").hexdigest()},
                {"path": "files/hilang.pdf", "sha256": "0" * 64},
                {"path": "files/tak-ditaut.pdf", "sha256": hashlib.sha256(good).hexdigest()},
            ],
        },
        body="\n## A\n\n[Unduh](files/ada.pdf) [Hilang](files/hilang.pdf)\n",
    )
    for name in ("ada.pdf", "tak-ditaut.pdf", "liar.pdf"):
        project.write(f"drafts/lampiran-uji/files/{name}", good)
    found = {rule for rule, _line in rules_for(project, "lampiran-uji")}
    assert found == {
        "attachments.checksum",
        "attachments.missing",
        "attachments.unreferenced",
        "attachments.unlisted",
        "links.internal",
        "privacy.attachment-unreadable",  # the test's PDFs are a header and nothing else
    }
    assert path.is_file()


def test_too_large_attachment(project: Project) -> None:
    config_file = project.root / "warta.yml"
    config_file.write_text(
        config_file.read_text().replace("review:\n", "review:\n  max_attachment_mb: 0.00001\n")
    )
    project.draft(
        "besar-sekali", files={"besar.pdf": b"x" * 100}, body="\n## A\n\n[Unduh](files/besar.pdf)\n"
    )
    assert "attachments.too-large" in {rule for rule, _line in rules_for(project, "besar-sekali")}


def test_markdown_report_golden(project: Project) -> None:
    project.draft(
        "banyak-masalah",
        summary="",
        body=("\n# Judul\n\n#### Loncat\n\n![](foto.jpg)\n\nHubungi 0812-3456-7890.\n"),
    )
    project.draft("bersih-sekali")
    report = run_review(project.config)
    text = to_markdown(report)
    golden = GOLDEN / "report.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_rules_documented() -> None:
    docs = (ROOT / "docs/review-rules.md").read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in docs]
    assert missing == []


def test_web_variants_of_a_shown_photo_count_as_linked(project: Project) -> None:
    files = {
        "foto-1600.jpg": b"\xff\xd8big",
        "foto-800.jpg": b"\xff\xd8small",
        "lain-800.jpg": b"x",
    }
    project.draft(
        "foto", body="\n![Majelis hakim di balai desa](files/foto-1600.jpg)\n", files=files
    )
    report = run_review(project.config)
    unreferenced = [f.message for f in report.findings if f.rule == "attachments.unreferenced"]
    assert unreferenced == ["attachment 'files/lain-800.jpg' is not linked from the text"]
