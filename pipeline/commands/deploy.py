"""``warta deploy`` and ``warta archive push``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from pipeline.config import Config
from pipeline.errors import ConfigError, NotFoundError, Problem
from pipeline.lock import exclusive
from pipeline.progress import NoProgress, Progress
from pipeline.site import archive_push, deploy


@dataclass
class DeployResult:
    plan: deploy.Plan
    website: bool | None
    """Whether the bucket's website configuration was set (None in a dry run)."""


def client(config: Config) -> Any:
    """An S3 client for the configured endpoint (credentials: the standard AWS chain)."""
    settings = config.deploy
    if not settings.bucket:
        raise ConfigError(
            "no bucket to deploy to",
            [
                Problem(
                    f"{config.source}: deploy.bucket",
                    "not set",
                    "set deploy.bucket (and deploy.endpoint_url for anything but AWS); the site "
                    "in site/ can also be served as it is",
                )
            ],
        )
    return boto3.client(
        "s3", endpoint_url=settings.endpoint_url or None, region_name=settings.region
    )


def run_deploy(
    config: Config,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    on_uploaded: Callable[[deploy.LocalFile], None] | None = None,
) -> DeployResult:
    """Upload what changed in ``site/``, then delete what is no longer there.

    ``on_uploaded`` is told about each upload (a seam for progress and for tests).
    """
    progress = progress or NoProgress()
    settings = config.deploy
    site_dir = config.path("site")
    if not (site_dir / "index.html").is_file():
        raise NotFoundError(
            "there is no built site to deploy", where=str(site_dir), hint="run warta publish first"
        )
    s3 = client(config)
    with exclusive(config.path("state") / "deploy.lock", "warta deploy"):
        plan = deploy.make_plan(
            s3,
            site_dir,
            bucket=settings.bucket,
            prefix=settings.prefix,
            protected=(settings.archive_prefix,),
            force=force,
        )
        if dry_run:
            return DeployResult(plan, None)
        progress.start("upload", len(plan.uploads))

        def uploaded(file: deploy.LocalFile) -> None:
            progress.advance()
            if on_uploaded is not None:
                on_uploaded(file)

        cache = deploy.CachePolicy(settings.cache_html, settings.cache_assets, settings.cache_other)
        deploy.execute(s3, plan, bucket=settings.bucket, cache=cache, on_uploaded=uploaded)
        website = deploy.configure_website(
            s3, settings.bucket, index=settings.index_document, error=settings.error_document
        )
    return DeployResult(plan, website)


def run_archive_push(
    config: Config, *, progress: Progress | None = None
) -> archive_push.PushResult:
    """Copy the archive bags to the bucket, write-once."""
    progress = progress or NoProgress()
    archive = config.path("archive")
    s3 = client(config)
    progress.start("push", None)
    return archive_push.push(
        s3,
        archive,
        bucket=config.deploy.bucket,
        prefix=config.deploy.archive_prefix,
        on_file=lambda _key: progress.advance(),
    )
