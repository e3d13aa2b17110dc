"""``warta verify`` as a use case: the pinned root of trust, the walk, the record.

The adapters (CLI, CI) pass the base pinned outside the repository (``--base`` or the
environment) and/or a trust file on the publishing host; this module never reads
``warta.yml``'s ``signing.trusted_base``, because a base written in the tree being
verified could be moved by the change it should refuse.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.config import Config
from pipeline.content.gitrepo import Git
from pipeline.content.trust import check_commit_id, read_trust, recorded, write_trust
from pipeline.content.verify import VerifyReport, verify_history
from pipeline.errors import ConfigError, IntegrityError, Problem
from pipeline.progress import Progress
from pipeline.site.live import now_utc


def repo_of(config: Config) -> tuple[Git, Path, str]:
    """The repository, its root, and warta.yml's path inside it."""
    git = Git(config.root)
    top = git.toplevel().resolve()
    rel = (config.root.resolve() / config.source.rsplit("/", 1)[-1]).relative_to(top)
    return git, top, rel.as_posix()


def _outputs(config: Config, top: Path) -> tuple[str, ...]:
    """Repository paths warta writes itself (the built site, archive, state)."""
    found = []
    for name in ("site", "archive", "state"):
        path = config.path(name)
        if path.is_relative_to(top) and path != top:
            found.append(str(PurePosixPath(path.relative_to(top).as_posix())))
    return tuple(found)


def verify(
    config: Config,
    *,
    base: str | None = None,
    trust_file: Path | None = None,
    tip: str = "HEAD",
    worktree: bool = True,
    record: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify ``tip`` from the pinned base (or the tip verified last); raise
    :class:`IntegrityError` naming every refused commit.  With ``record`` and a
    ``trust_file``, a pass records ``tip`` as the new last verified commit."""
    git, top, config_rel = repo_of(config)
    state = None
    if trust_file is not None:
        trust_file = trust_file.expanduser().resolve()
        if trust_file.is_relative_to(top):
            raise ConfigError(
                "the trust file must live outside the repository",
                [
                    Problem(
                        str(trust_file),
                        "inside the work tree: a push could replace it",
                        "keep it on the publishing host, e.g. /var/lib/warta/trust.json",
                    )
                ],
            )
        state = read_trust(trust_file)
    if base:
        base = check_commit_id(base, "--base")
        if state is not None and state.base != base:
            raise IntegrityError(
                "cannot verify",
                [
                    Problem(
                        str(trust_file),
                        f"pinned to base {state.base[:12]}, not {base[:12]}",
                        "a new base is a decision of the web admin: move the trust file "
                        "aside and pin the new base explicitly",
                    )
                ],
            )
    elif state is not None:
        base = state.base
    if not base:
        hint = "pass --base COMMIT (or set WARTA_TRUSTED_BASE in CI), or --trust-file PATH"
        message = "no base commit pinned outside the repository"
        if config.signing.trusted_base:
            message += (
                f"; signing.trusted_base in {config.source} is not trusted: the tree "
                "being verified could move it"
            )
        raise ConfigError("no trusted base to verify from", [Problem("--base", message, hint)])
    tip_id = git.resolve(tip)
    if git.resolve(base) != base or tip_id is None:
        missing = base if git.resolve(base) != base else tip
        raise IntegrityError(
            "cannot verify",
            [
                Problem(
                    "--base" if missing == base else "--rev",
                    f"{missing!r} is not a commit in this clone",
                    "fetch the whole history (actions/checkout with fetch-depth: 0)",
                )
            ],
        )
    start = state.verified if state is not None and state.verified else base
    for what, commit in (("trusted base", base), ("last verified commit", start)):
        if git.resolve(commit) != commit or not git.is_ancestor(commit, tip_id):
            raise IntegrityError(
                "cannot verify",
                [
                    Problem(
                        f"commit {tip_id[:12]}",
                        f"history.rewritten: the {what} {commit[:12]} is not in the history "
                        f"of {tip}",
                        "the history was rewritten or reset to an older point; publish a "
                        f"tip that descends from {commit[:12]}",
                    )
                ],
            )
    report = verify_history(
        git,
        config_rel=config_rel,
        base=start,
        tip=tip_id,
        worktree=worktree,
        outputs=_outputs(config, top),
        progress=progress,
    )
    report.base = base
    if not report.ok:
        raise IntegrityError(
            f"{len(report.problems)} problem(s) in the history after {start[:12]}: "
            "nothing may be published",
            report.problems,
        )
    if record and trust_file is not None:
        write_trust(trust_file, recorded(state, base, tip_id, now or now_utc()))
    return report
