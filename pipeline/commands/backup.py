"""``warta backup run | list | verify | restore | drill | prune`` (SOP 2 step 2, SOP 3 D7).

What is backed up: content, drafts, archive, the built site, ``warta.yml`` and
``mkdocs.yml``, a consistent copy of the operational database (SQLite's backup API) and
``backup.extra_paths``. Every run, verify, drill and prune is recorded in
``backup_events``, failures included, with a detail a person can act on.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import opsdb
from pipeline.backup import engine, events, policy
from pipeline.backup.repository import LockHolder, PackInfo, Repository, Snapshot, locked
from pipeline.backup.storage import open_backend
from pipeline.config import Config
from pipeline.errors import ConfigError, IntegrityError, NotFoundError, Problem, WartaError
from pipeline.health.store import database_path, open_history
from pipeline.progress import NoProgress, Progress
from pipeline.site.live import now_utc


def repository_password(config: Config, password: str | None) -> str | None:
    """The repository's password: as given by the adapter (from ``WARTA_BACKUP_PASSWORD``),
    else the first line of ``backup.password_file``; None for no encryption."""
    if password:
        return password
    if not config.backup.password_file:
        return None
    path = (config.root / config.backup.password_file).resolve()
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ConfigError(
            "backup password file unreadable",
            [
                Problem(
                    f"{config.source}: backup.password_file",
                    f"{path}: {error.strerror or error}",
                    "create it (one line, readable only by the web admin: chmod 600)",
                )
            ],
        ) from None
    if not text or not text[0]:
        raise ConfigError(
            "backup password file is empty",
            [Problem(f"{config.source}: backup.password_file", str(path), "write the password")],
        )
    return text[0]


def open_repository(
    config: Config, *, create: bool = False, password: str | None = None
) -> Repository:
    """The configured repository (created on the first ``run``; encrypted, format
    version 2, when a password is given)."""
    settings = config.backup
    backend = open_backend(
        settings.repository,
        root=config.root,
        endpoint=settings.s3_endpoint,
        region=settings.s3_region,
    )
    repo = Repository(backend, cache=config.path("state") / "cache" / "backup")
    repo.open(create=create, password=repository_password(config, password))
    return repo


def _record(config: Config, event: events.BackupEvent) -> None:
    try:
        with open_history(config, write=True) as db:
            events.record(db, event)
    except IntegrityError:
        # The database itself is damaged or newer: there is nowhere to record into, and
        # the command reports that problem itself (a backup names it as not backed up).
        pass


@contextmanager
def _recorded(config: Config, kind: str, location: str, now: datetime | None) -> Iterator[None]:
    """Record a failure of the block as a ``backup_events`` row with ``ok = 0``."""
    started = time.monotonic()
    try:
        yield
    except BaseException as error:
        if isinstance(error, WartaError):
            detail = str(error)
        elif isinstance(error, KeyboardInterrupt):
            detail = "interrupted before it finished"
        else:
            detail = f"internal error: {type(error).__name__}: {error}"
        _record(
            config,
            events.BackupEvent(
                now or now_utc(),
                location,
                kind,
                None,
                False,
                duration_s=round(time.monotonic() - started, 3),
                detail=detail,
            ),
        )
        raise


def _name(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return "_extra" + path.as_posix()  # outside the project: kept under _extra/


def sources(config: Config, database_copy: Path) -> tuple[list[engine.Source], set[Path]]:
    """What a run backs up, and what it must leave out (the repository, the live DB)."""
    database = database_path(config)
    config_file = config.root / Path(config.source).name
    paths = [config.path(n) for n in ("content", "drafts", "archive", "site")]
    paths += [config_file, config.path("mkdocs")]
    chosen: list[engine.Source] = []
    for path in paths:
        # ``site`` is a symlink to the live build folder: back up what it points to.
        chosen.append(engine.Source(_name(config, path), path.resolve()))
    for number, extra in enumerate(config.backup.extra_paths):
        path = (config.root / extra).resolve()
        if path == config.root or config.root.is_relative_to(path):
            raise ConfigError(
                "invalid backup path",
                [
                    Problem(
                        f"{config.source}: backup.extra_paths[{number}]",
                        f"{extra} contains the whole project",
                        "list the folders to add, not the project itself",
                    )
                ],
            )
        if not any(path.is_relative_to(s.path) for s in chosen):
            chosen.append(engine.Source(_name(config, path), path))
    chosen.append(engine.Source(_name(config, database), database_copy))
    exclude = {database, database.with_name(database.name + "-wal")}
    exclude |= {database.with_name(database.name + "-shm"), config.path("state") / "cache"}
    if not config.backup.repository.startswith("s3://"):
        exclude.add((config.root / config.backup.repository).resolve())
    return chosen, exclude


def _copy_database(config: Config, target: Path) -> Problem | None:
    """A consistent copy of the operational database (SQLite's online backup API), made
    only after SQLite's full ``integrity_check`` passed: a damaged database is not copied
    (a backup of damaged pages would look sound); the problem says which file and the fix.
    """
    try:
        with open_history(config, write=False) as source:
            found = opsdb.integrity(source, full=True)
            if found:
                error = opsdb.damaged(database_path(config), "damaged: " + "; ".join(found[:3]))
                return error.problems[0]
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
    except IntegrityError as refused:
        return refused.problems[0]
    return None


@contextmanager
def _locked(
    config: Config, repo: Repository, operation: str, wait: float | None
) -> Iterator[LockHolder]:
    settings = config.backup
    with locked(
        repo,
        operation,
        stale_after=settings.lock_stale_after,
        wait=settings.lock_wait.total_seconds() if wait is None else wait,
        host=socket.gethostname(),
    ) as holder:
        yield holder


def run(
    config: Config,
    *,
    wait: float | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    on_pack: Callable[[PackInfo], None] | None = None,
    password: str | None = None,
) -> engine.BackupResult:
    """Take a snapshot of the whole site system."""
    progress = progress or NoProgress()
    moment = now or now_utc()
    location = config.backup.repository
    started = time.monotonic()
    with _recorded(config, "backup", location, now):
        repo = open_repository(config, create=True, password=password)
        with tempfile.TemporaryDirectory(prefix="warta-backup-") as tmp:
            copy = Path(tmp) / database_path(config).name
            unusable = _copy_database(config, copy)
            chosen, exclude = sources(config, copy)
            if unusable is not None:  # the rest is backed up; the database is named
                chosen = [c for c in chosen if c.path != copy]
            with _locked(config, repo, "backup", wait) as holder:
                result = engine.backup(
                    repo,
                    chosen,
                    moment=moment,
                    host=socket.gethostname(),
                    exclude=exclude,
                    holder=holder,
                    progress=progress,
                    on_pack=on_pack,
                )
            if unusable is not None:
                result.skipped.append(unusable)
    detail = ""
    if result.skipped:
        detail = f"{len(result.skipped)} file(s) not backed up: " + "; ".join(
            str(p) for p in result.skipped[:5]
        )
    _record(
        config,
        events.BackupEvent(
            moment,
            location,
            "backup",
            result.snapshot,
            not result.skipped,
            result.files,
            result.bytes,
            round(time.monotonic() - started, 3),
            detail,
        ),
    )
    return result


@dataclass
class Listing:
    snapshots: list[Snapshot]
    last_drill: events.BackupEvent | None
    damaged: list[Problem] = field(default_factory=list)
    """Snapshots that could not be read (``warta backup repair`` moves them aside)."""


def listing(config: Config, *, password: str | None = None) -> Listing:
    """Every snapshot, oldest first, and the last restore drill."""
    repo = open_repository(config, password=password)
    snapshots = repo.snapshots()
    with open_history(config, write=False) as db:
        drills = events.recent(db, "drill", limit=1)
    return Listing(snapshots, drills[0] if drills else None, list(repo.damaged_snapshots))


def verify(
    config: Config,
    *,
    read_data: bool = False,
    subset: tuple[int, int] | None = None,
    wait: float | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    password: str | None = None,
) -> engine.VerifyResult:
    """Check the repository; raise :class:`IntegrityError` naming the files affected."""
    location = config.backup.repository
    started = time.monotonic()
    with _recorded(config, "verify", location, now):
        repo = open_repository(config, password=password)
        with _locked(config, repo, "verify", wait):
            result = engine.verify(repo, read_data=read_data, subset=subset, progress=progress)
        if not result.ok:
            raise IntegrityError(
                f"backup repository failed verification: {len(result.problems)} problem(s)",
                result.problems,
            )
    scope = "data of every pack" if read_data else "structure"
    if subset is not None and not read_data:
        scope = f"structure and data of slice {subset[0]}/{subset[1]}"
    _record(
        config,
        events.BackupEvent(
            now or now_utc(),
            location,
            "verify",
            None,
            True,
            bytes=result.bytes_read,
            duration_s=round(time.monotonic() - started, 3),
            detail=f"checked {scope}: {result.snapshots} snapshot(s), {result.packs} pack(s)",
        ),
    )
    return result


def _find(repo: Repository, name: str) -> Snapshot:
    snapshot = repo.find_snapshot(name)
    if snapshot is None:
        raise NotFoundError(
            f"no snapshot '{name}'" if name != "latest" else "the repository has no snapshot",
            where=repo.location,
            hint="see warta backup list (ids may be shortened to 8 characters)",
        )
    return snapshot


def restore(
    config: Config,
    name: str,
    target: Path,
    *,
    overwrite: bool = False,
    partial: bool = False,
    wait: float | None = None,
    progress: Progress | None = None,
    password: str | None = None,
) -> engine.RestoreResult:
    """Restore snapshot ``name`` (an id, a prefix or ``latest``) into ``target``; with
    ``partial``, every intact file (the others are listed in ``failed``)."""
    repo = open_repository(config, password=password)
    with _locked(config, repo, "restore", wait):
        snapshot = _find(repo, name)
        return engine.restore(
            repo, snapshot, target, overwrite=overwrite, partial=partial, progress=progress
        )


@dataclass
class RepairResult:
    moved: list[str] = field(default_factory=list)
    """Keys moved aside, to ``damaged/<key>``."""
    temporaries: int = 0


def repair(
    config: Config, *, wait: float | None = None, password: str | None = None
) -> RepairResult:
    """Move damaged snapshots and index files aside (to ``damaged/``) and remove the
    temporary files of killed runs. The packs a damaged index listed are found again
    from their own headers by the next run; nothing readable is removed."""
    repo = open_repository(config, password=password)
    result = RepairResult()
    with _locked(config, repo, "repair", wait):
        result.temporaries = repo.backend.remove_temporaries()
        repo.snapshots()
        repo.load_index(recover=False, problems=[])
        for problem in [*repo.damaged_snapshots, *repo.damaged_indexes]:
            key = problem.where.removeprefix(f"{repo.location}/")
            result.moved.append(repo.move_aside(key))
    return result


def drill(
    config: Config,
    *,
    wait: float | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    password: str | None = None,
) -> engine.DrillResult:
    """Restore the latest snapshot into a temporary folder and check every hash."""
    location = config.backup.repository
    started = time.monotonic()
    with _recorded(config, "drill", location, now):
        repo = open_repository(config, password=password)
        state = config.path("state")
        state.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=".drill-", dir=state))
        try:
            with _locked(config, repo, "drill", wait):
                snapshot = _find(repo, "latest")
                result = engine.drill(repo, snapshot, workdir, progress=progress)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    _record(
        config,
        events.BackupEvent(
            now or now_utc(),
            location,
            "drill",
            result.snapshot,
            True,
            result.files,
            result.bytes,
            round(time.monotonic() - started, 3),
            f"restored and checked {result.checked} file(s) of snapshot {result.snapshot[:8]}",
        ),
    )
    return result


def prune(
    config: Config,
    *,
    keep: policy.KeepPolicy | None = None,
    dry_run: bool = False,
    wait: float | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> engine.PruneResult:
    """Forget snapshots outside the keep policy and delete the data only they used."""
    settings = config.backup
    keep = keep or policy.KeepPolicy(
        daily=settings.keep_daily, weekly=settings.keep_weekly, monthly=settings.keep_monthly
    )
    location = settings.repository
    started = time.monotonic()
    with _recorded(config, "prune", location, now):
        if keep.empty:
            raise ConfigError(
                "prune would forget every snapshot",
                [Problem("--keep-*", "every keep rule is 0", "keep at least one snapshot")],
            )
        repo = open_repository(config, password=password)
        with _locked(config, repo, "prune", wait):
            snapshots = repo.snapshots()
            kept = policy.apply(
                [(s.id, s.time) for s in snapshots], keep, ZoneInfo(config.site.timezone)
            )
            result = engine.prune(repo, set(kept), dry_run=dry_run)
    if not dry_run:
        _record(
            config,
            events.BackupEvent(
                now or now_utc(),
                location,
                "prune",
                None,
                True,
                duration_s=round(time.monotonic() - started, 3),
                bytes=result.bytes_freed,
                detail=f"kept {len(result.kept)} snapshot(s), forgot {len(result.forgotten)}, "
                f"deleted {result.packs_deleted} pack(s)",
            ),
        )
    return result
