"""The example court of this repository, as committed (the demo, not the package).

The README's first command publishes the example in the working tree (the approved draft
moves into ``content/``, ``site/`` and ``archive/`` appear), as it would on a court's
server. The example's own checks must not depend on whether that command ran first, so
they work on a copy of the files as git's ``HEAD`` has them; outside a git checkout (an
unpacked release) the working tree is all there is.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
#: What makes up the example court.
EXAMPLE_FILES = ("warta.yml", "mkdocs.yml", "content", "drafts")


def copy_example(dest: Path, *, root: Path = ROOT) -> Path:
    """Copy the example court as committed at ``HEAD`` of ``root`` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", "HEAD", *EXAMPLE_FILES],
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
            tar.extractall(dest, filter="data")
        return dest
    for name in EXAMPLE_FILES:  # not a git checkout: the files as they are
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest
