"""Deploy to S3-compatible storage and archive push, against SeaweedFS on loopback."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.archive import run_archive
from pipeline.commands.deploy import run_archive_push, run_deploy
from pipeline.commands.publish import publish
from pipeline.errors import IntegrityError
from tests.conftest import Project
from tests.servers import S3Server

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
_buckets = itertools.count()


@pytest.fixture
def bucket(project: Project, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "warta")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "warta-secret")
    name = f"situs-{next(_buckets)}"
    s3_server.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
    config = yaml.safe_load((project.root / "warta.yml").read_text())
    config["deploy"] = {"bucket": name, "endpoint_url": s3_server.endpoint}
    (project.root / "warta.yml").write_text(yaml.safe_dump(config))
    publish(project.config, now=NOW)
    return name


def site_files(project: Project) -> dict[str, Path]:
    site = project.root / "site"
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def test_deploy_is_byte_identical_with_headers(
    project: Project, s3_server: S3Server, bucket: str
) -> None:
    result = run_deploy(project.config)
    files = site_files(project)
    assert len(result.plan.uploads) == len(files) and result.plan.deletes == []
    s3 = s3_server.client()
    for key, path in files.items():
        obj = s3.get_object(Bucket=bucket, Key=key)  # type: ignore[attr-defined]
        assert obj["Body"].read() == path.read_bytes(), key
        if key.endswith(".html"):
            assert obj["ContentType"] == "text/html; charset=utf-8"
            assert obj["CacheControl"] == "public, max-age=300"
        elif key == "api/index.json":
            assert obj["ContentType"] == "application/json"
        elif key.endswith(".pdf"):
            assert obj["ContentType"] == "application/pdf"
            assert obj["CacheControl"] == "public, max-age=86400"
    fingerprinted = [k for k in files if k.startswith("assets/") and k.endswith(".min.js")]
    assert fingerprinted
    obj = s3.get_object(Bucket=bucket, Key=fingerprinted[0])  # type: ignore[attr-defined]
    assert obj["CacheControl"] == "public, max-age=31536000, immutable"
    assert obj["ContentType"] == "text/javascript; charset=utf-8"
    again = run_deploy(project.config)
    assert again.plan.uploads == [] and again.plan.deletes == []  # nothing changed


def test_a_new_article_uploads_only_the_files_it_changed(
    project: Project, s3_server: S3Server, bucket: str
) -> None:
    run_deploy(project.config)
    before = {rel: path.read_bytes() for rel, path in site_files(project).items()}
    project.published(
        "berita-baru",
        title="Berita terbaru tentang layanan pengadilan",
        date=date(2026, 11, 24),
        published_at="2026-11-24T10:00:00+08:00",
    )
    publish(project.config, now=NOW)
    after = {rel: path.read_bytes() for rel, path in site_files(project).items()}
    changed = {rel for rel, data in after.items() if before.get(rel) != data}
    result = run_deploy(project.config)
    assert {f.key for f in result.plan.uploads} == changed
    # Only Pagefind's content-addressed index files are replaced by new names.
    assert all(key.startswith("pagefind/") for key in result.plan.deletes), result.plan.deletes
    assert any(rel.startswith("berita/2026/11/24/berita-baru/") for rel in changed)
    # The old post's page and every asset are not sent again.
    assert not any(rel.startswith("assets/") for rel in changed)
    assert len(changed) < len(after) / 4


def test_interrupted_deploy_completes_and_stale_goes_last(
    project: Project, s3_server: S3Server, bucket: str
) -> None:
    s3 = s3_server.client()
    s3.put_object(
        Bucket=bucket,
        Key="lama/halaman/index.html",  # type: ignore[attr-defined]
        Body=b"stale",
    )
    s3.put_object(
        Bucket=bucket,
        Key="archive/bag/data/x",  # type: ignore[attr-defined]
        Body=b"archived",
    )
    uploaded: list[str] = []

    def crash_after_five(file: object) -> None:
        uploaded.append(file.key)  # type: ignore[attr-defined]
        if len(uploaded) == 5:
            raise ConnectionError("the network dropped")

    with pytest.raises(ConnectionError):
        run_deploy(project.config, on_uploaded=crash_after_five)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}  # type: ignore[attr-defined]
    assert "lama/halaman/index.html" in keys  # not deleted: the new version is incomplete
    assert all(not k.endswith(".html") for k in uploaded)  # assets go before pages
    rerun = run_deploy(project.config)
    assert len(rerun.plan.uploads) == len(site_files(project)) - 5
    assert rerun.plan.deletes == ["lama/halaman/index.html"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}  # type: ignore[attr-defined]
    assert keys == set(site_files(project)) | {"archive/bag/data/x"}  # archive untouched


def test_dry_run_and_cli(project: Project, bucket: str) -> None:
    runner = CliRunner()
    args = ["--config", str(project.root / "warta.yml")]
    dry = runner.invoke(cli, [*args, "deploy", "--dry-run"])
    assert (
        dry.exit_code == 0 and "would upload" in dry.output and "upload index.html" in (dry.output)
    )
    assert run_deploy(project.config, dry_run=True).plan.uploads  # nothing was uploaded
    done = runner.invoke(cli, [*args, "deploy"])
    assert done.exit_code == 0 and "deleted 0" in done.output


def test_no_bucket_is_a_config_error(project: Project) -> None:
    result = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "deploy"])
    assert result.exit_code in (3, 6)  # no site built yet, or no bucket: both say what to do
    publish(project.config, now=NOW)
    result = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "deploy"])
    assert result.exit_code == 3 and "deploy.bucket" in result.output


def test_archive_push_is_write_once(project: Project, s3_server: S3Server, bucket: str) -> None:
    run_archive(project.config, now=NOW)
    first = run_archive_push(project.config)
    assert first.uploaded and first.present == 0
    s3 = s3_server.client()
    assert s3.get_object(Bucket=bucket, Key="archive/catalog.json")  # type: ignore[attr-defined]
    again = run_archive_push(project.config)
    assert again.uploaded == [] and again.present == len(first.uploaded)
    bag_file = project.root / "archive" / first.uploaded[0].removeprefix("archive/")
    original = bag_file.read_bytes()
    bag_file.write_bytes(original + b" diubah")
    with pytest.raises(IntegrityError, match="differ from the local archive"):
        run_archive_push(project.config)
    remote = s3.get_object(Bucket=bucket, Key=first.uploaded[0])  # type: ignore[attr-defined]
    assert remote["Body"].read() == original  # never overwritten
