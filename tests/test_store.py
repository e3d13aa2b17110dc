"""Reading items: every kind of bad input gives one clear error naming file and line."""

from pathlib import Path

import pytest

from pipeline.content.store import read_item, scan
from pipeline.errors import ContentError
from tests.conftest import Project


def _problems(project: Project, rel: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_item(project.root / rel, project.config)
    return [str(p) for p in caught.value.problems]


def test_valid_item_reads_with_body_line(project: Project) -> None:
    path = project.draft("baru-saja", body="\n## A\n")
    item = read_item(path, project.config)
    assert item.slug == "baru-saja" and item.location == "draft"
    assert path.read_text().splitlines()[item.body_line - 1] == ""
    assert item.where(("category",)).endswith(f":{_line_of(path, 'category:')}")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_malformed_yaml_names_line(project: Project) -> None:
    project.write("drafts/rusak/index.md", "---\ntitle: Judul\nslug: [rusak\ndate: x\n---\nisi\n")
    (shown,) = _problems(project, "drafts/rusak/index.md")
    assert shown.startswith("drafts/rusak/index.md:4")


def test_unknown_category_names_line_and_choices(project: Project) -> None:
    path = project.draft("kategori-salah", category="gosip")
    (shown,) = _problems(project, "drafts/kategori-salah/index.md")
    assert shown.startswith(f"drafts/kategori-salah/index.md:{_line_of(path, 'category:')}")
    assert "gosip" in shown and "profil" in shown


def test_schema_errors_all_reported(project: Project) -> None:
    project.draft("banyak-salah", attention="urgent", status="done", colour="red")
    shown = _problems(project, "drafts/banyak-salah/index.md")
    assert len(shown) == 3
    assert any("attention" in s for s in shown) and any("status" in s for s in shown)
    assert any("colour: unknown key" in s for s in shown)


@pytest.mark.parametrize(
    "bad", [5, "berita/x/index.md", {"a": 1}, [{"a": 1}], [{"a": "x", "b": "y"}]]
)
def test_links_that_the_blog_would_crash_on_are_a_located_problem(
    project: Project, bad: object
) -> None:
    # mkdocs-material walks ``links`` as a navigation: anything else was a traceback.
    path = project.draft("tautan", links=bad)
    (shown,) = _problems(project, "drafts/tautan/index.md")
    assert shown.startswith(f"drafts/tautan/index.md:{_line_of(path, 'links:')}")
    assert "links: must be a list" in shown


def test_links_as_a_navigation_are_kept(project: Project) -> None:
    links = ["profil/visi-misi/index.md", {"Layanan": ["a.md", {"B": "b.md"}]}]
    item = read_item(project.draft("tautan-baik", links=links), project.config)
    assert item.passthrough["links"] == links


@pytest.mark.parametrize(
    "bad", ["files/../../etc/passwd", "/etc/passwd", "../x.pdf", "files/a/../../b.pdf"]
)
def test_attachment_path_traversal_refused(project: Project, bad: str) -> None:
    project.draft("lampiran", attachments=[{"path": bad, "sha256": "0" * 64}])
    (shown,) = _problems(project, "drafts/lampiran/index.md")
    assert "attachments[0].path" in shown


@pytest.mark.parametrize("bad", ["../luar", "Huruf-Besar", "a/b", "spasi di sini"])
def test_slug_traversal_refused(project: Project, bad: str) -> None:
    project.draft("slugnya", slug=bad)
    shown = _problems(project, "drafts/slugnya/index.md")
    assert any(s.split(": ", 1)[1].startswith("slug") for s in shown)


def test_slug_must_match_folder(project: Project) -> None:
    project.draft("folder-a", slug="folder-b")
    (shown,) = _problems(project, "drafts/folder-a/index.md")
    assert "does not match the folder" in shown


def test_missing_file(project: Project) -> None:
    (shown,) = _problems(project, "drafts/tidak-ada/index.md")
    assert "no such file" in shown


def test_non_utf8_names_line(project: Project) -> None:
    project.write("drafts/latin/index.md", b"---\ntitle: ok\n---\n\nbaris\nkota Bandung \xe9\n")
    (shown,) = _problems(project, "drafts/latin/index.md")
    assert shown.startswith("drafts/latin/index.md:6") and "UTF-8" in shown


def test_no_front_matter(project: Project) -> None:
    project.write("drafts/polos/index.md", "## Hanya teks\n")
    (shown,) = _problems(project, "drafts/polos/index.md")
    assert shown.startswith("drafts/polos/index.md:1") and "front matter" in shown


def test_duplicate_slug_across_drafts_and_content(project: Project) -> None:
    project.draft("kegiatan-pertama")
    found = scan(project.config)
    dupes = [str(p) for p in found.problems if "duplicate slug" in str(p)]
    assert len(dupes) == 1 and "kegiatan-pertama" in dupes[0]


def test_scan_keeps_going_past_bad_files(project: Project) -> None:
    project.write("drafts/rusak/index.md", "---\ntitle: [\n---\n")
    project.draft("bagus-sekali")
    found = scan(project.config)
    assert {i.slug for i in found.items} >= {"bagus-sekali", "kegiatan-pertama", "visi-misi"}
    assert len(found.problems) == 1


def test_a_packed_item_reads_the_same(project: Project) -> None:
    """``Item.pack`` keeps the body and the front matter text compressed (the site build
    holds every item to its end): reading them, comparing and locating keys give what
    the unpacked item gives, and a body with a lone surrogate escape survives."""
    import copy

    path = project.draft("dikemas", body="\n## Isi\n\nTeks berita " + "panjang " * 200 + "\n")
    item, plain = read_item(path, project.config), read_item(path, project.config)
    body, fm_text = item.body, item.fm_text
    item.pack()
    assert isinstance(vars(item)["_body"], bytes) and len(vars(item)["_body"]) < len(body) // 4
    assert item.body == body and item.fm_text == fm_text and item == plain
    assert item.where(("category",)) == plain.where(("category",))
    assert copy.copy(item).body == body
    item.body = "baru \udcff"
    item.pack()
    assert item.body == "baru \udcff"


def test_shown_paths_are_relative_to_the_project_only_when_truly_under_it(
    project: Project, tmp_path: Path
) -> None:
    from pipeline.content.store import shown_path

    root = project.config.root.resolve()
    config = project.config
    assert shown_path(config, root / "drafts" / "a" / "index.md") == "drafts/a/index.md"
    # A ".." leaving the project is resolved, not cut off as a string.
    (root / "drafts").mkdir(exist_ok=True)
    outside = root / "drafts" / ".." / ".." / "elsewhere.md"
    assert shown_path(config, outside) == str(outside)
    inside = root / "drafts" / ".." / "content" / "x.md"
    assert shown_path(config, inside) == "content/x.md"
    # A sibling folder whose name starts with the root's is not under it.
    twin = Path(str(root) + "-lain") / "x.md"
    assert shown_path(config, twin) == str(twin)
    assert shown_path(config, root) == "."
