"""Atomic file-system writes: temp file, fsync, rename.

A reader sees either the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# ctypes (and finding libc, which runs ``ldconfig -p``), hashlib (OpenSSL) and json
# are imported by the functions that use them: a command that only writes a file
# atomically (``warta visitors analyze -o``) should not pay for them at start-up.


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (so that a rename survives a power cut)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp and mkdtemp create private (0600/0700) entries; what warta publishes
# must be readable by the web server, so new entries get the usual umask modes.
UMASK = _umask()
FILE_MODE = 0o666 & ~UMASK
DIR_MODE = 0o777 & ~UMASK


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders.

    A replaced file keeps its mode; a new one gets the umask's default mode.
    ``durable=False`` skips the fsyncs, for files inside a folder that is synced
    as a whole before it is put in place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = FILE_MODE
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def write_entry(path: str, data: bytes, folders: set[str]) -> None:
    """Write ``data`` to ``path`` by a temporary name and a rename, not durable: for
    files whose bytes are a pure function of their name (the build cache's entries),
    many thousands per build.

    Cheaper than :func:`atomic_write_bytes` (no random name, no ``stat`` for the old
    mode, no ``fchmod``): the temporary name is this process' own, created exclusively
    and never through a symbolic link. ``folders`` holds the folders known to exist
    (the caller's, for the whole build).
    """
    folder, _, name = path.rpartition("/")
    if folder not in folders:
        os.makedirs(folder, mode=DIR_MODE, exist_ok=True)
        folders.add(folder)
    tmp = f"{folder}/.{name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, FILE_MODE)
    except FileExistsError:  # left by a killed run that had this process number
        os.unlink(tmp)
        fd = os.open(tmp, flags, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, indented, keys in given order) atomically."""
    import json

    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def staging_dir(beside: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder next to ``beside`` (same file system, so rename is atomic).

    Removed on exit unless it was renamed away.
    """
    beside.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{prefix}.", dir=beside.parent))
    tmp.chmod(DIR_MODE)
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under ``root`` before it is renamed into place."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


@functools.cache
def _libc() -> Any:
    """The C library through ctypes, found once, on first use (``None`` if it is not)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


@functools.cache
def _libc_syncfs() -> Any:
    return getattr(_libc(), "syncfs", None)


def sync_tree(root: Path) -> None:
    """Make everything under ``root`` durable before it is renamed into place.

    Linux's ``syncfs`` flushes the whole file system in one call, which for a
    built site of thousands of files is far cheaper than one fsync per file;
    elsewhere this falls back to :func:`fsync_tree`.
    """
    syncfs = _libc_syncfs()
    if syncfs is not None:
        fd = os.open(root, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    fsync_tree(root)


@functools.cache
def _renameat2() -> Any:
    import ctypes

    func = getattr(_libc(), "renameat2", None)
    if func is not None:
        text, number = ctypes.c_char_p, ctypes.c_int
        func.argtypes = [number, text, number, text, ctypes.c_uint]
    return func


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two names atomically (``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


Step = Callable[[str], None]


def _no_step(_name: str) -> None:
    pass


def builds_prefix(target: Path) -> str:
    """Names of the build folders (complete or staging) that belong to ``target``."""
    return f".{target.name}.build."


def new_build_dir(target: Path) -> Path:
    """A fresh, empty build folder beside ``target`` (same file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    made = Path(tempfile.mkdtemp(prefix=builds_prefix(target), dir=target.parent))
    made.chmod(DIR_MODE)
    return made


def current_build(target: Path) -> Path | None:
    """The build folder the symlink ``target`` points to (None if it is not a link)."""
    if not target.is_symlink():
        return None
    return target.parent / os.readlink(target)


def _leftovers(target: Path) -> list[Path]:
    live = current_build(target)
    prefixes = (builds_prefix(target), f".{target.name}.link.", f".{target.name}.old")
    if not target.parent.is_dir():
        return []
    return [
        entry
        for entry in sorted(target.parent.iterdir())
        if entry.name.startswith(prefixes) and (live is None or entry.name != live.name)
    ]


def clean_builds(target: Path) -> list[Path]:
    """Remove every build, staging and swap leftover of ``target`` but the live one.

    Called by the next run of the command that owns ``target`` (under its lock): a
    run killed at any point leaves only such folders and links, never a missing site.
    """
    removed = _leftovers(target)
    for entry in removed:
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        else:
            shutil.rmtree(entry, ignore_errors=True)
    return removed


class Cleaning:
    """The leftovers of ``target`` (as :func:`clean_builds`) being removed by another
    process while this one works; :meth:`wait` returns once they are gone.

    Removing the folders of a 5,000-article build takes a second or two of waiting on
    the file system; a publish keeps the build it replaced (see :func:`swap_in`) and
    has this remove it, and any other leftover, beside its own build. Links and files
    are removed here at once; folders by ``rm -rf`` (which never follows a symlink it
    finds inside), or here and now where there is no ``rm``.

    With ``recycle``, one leftover build folder is kept as :attr:`recycled`, for the new
    build to be made in (:class:`_Recycler` empties it of files meanwhile, keeping its
    folders): a site's folder tree barely changes between builds, and making its
    14,000 folders again after removing as many cost more than a second at 5,000
    articles (ext4 searches its inode tables for a free inode that was not just
    freed). Call :meth:`ready` before writing into it and :meth:`prune` after the build.
    """

    def __init__(self, target: Path, *, recycle: bool = False) -> None:
        import subprocess

        self.removed = _leftovers(target)
        self.recycled: Path | None = None
        self._recycler: _Recycler | None = None
        if recycle and hasattr(os, "fork"):  # (elsewhere every build is a new folder)
            self.recycled = _recyclable(self.removed, target)
            if self.recycled is not None:
                self.removed.remove(self.recycled)
                self._recycler = _Recycler(self.recycled)
        folders = []
        for entry in self.removed:
            if entry.is_symlink() or entry.is_file():
                entry.unlink()
            else:
                folders.append(entry)
        rm = shutil.which("rm")
        self._proc: subprocess.Popen[bytes] | None = None
        if folders and rm is not None:
            self._proc = subprocess.Popen(
                [rm, "-rf", "--", *map(str, folders)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
        self._folders = folders

    def ready(self) -> None:
        """Wait until :attr:`recycled` holds nothing but empty folders (made empty and
        new, here, if its emptying failed)."""
        if self._recycler is not None:
            self._recycler.wait()

    def prune(self) -> None:
        """Remove the folders of :attr:`recycled` that the build left empty (a build
        makes a folder only to put a file in it)."""
        if self._recycler is not None:
            self._recycler.prune()

    def wait(self) -> list[Path]:
        """Wait for the removal; what was removed (anything ``rm`` left is removed here)."""
        if self._recycler is not None:
            self._recycler.wait()
        if self._proc is not None:
            self._proc.wait()
            self._proc = None
            for folder in self._folders:
                if folder.exists() or folder.is_symlink():
                    shutil.rmtree(folder, ignore_errors=True)
        return self.removed


def _recyclable(leftovers: list[Path], target: Path) -> Path | None:
    """The last leftover that is a real build folder of ``target``, this user's, with
    the mode a build folder is given (None if there is none)."""
    uid = os.getuid()
    for entry in reversed(leftovers):
        if not entry.name.startswith(builds_prefix(target)):
            continue
        try:
            st = entry.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and stat.S_IMODE(st.st_mode) == DIR_MODE:
            return entry
    return None


def _empty_tree(root: str) -> list[str]:
    """Unlink everything under ``root`` that is not a folder (links are never followed)
    and remove whole every folder that is not this user's or not of :data:`DIR_MODE`;
    the folders kept, deepest first."""
    uid = os.getuid()
    kept: list[str] = []
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    if st.st_uid == uid and stat.S_IMODE(st.st_mode) == DIR_MODE:
                        stack.append(entry.path)
                        kept.append(entry.path)
                    else:
                        shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    kept.sort(key=lambda path: path.count("/"), reverse=True)
    return kept


class Forked:
    """``work`` run in a forked child beside this process; :meth:`result` waits for it
    and gives the bytes ``work`` returned, or None if it raised (the child never
    returns into this process' code: it leaves by ``os._exit``)."""

    def __init__(self, work: Callable[[], bytes]) -> None:
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            data = b"\0"  # a lone NUL: it failed
            try:
                data = b"ok\0" + work()
            except BaseException:  # the caller does the work itself
                pass
            finally:
                try:
                    with os.fdopen(write, "wb") as pipe:
                        pipe.write(data)
                finally:
                    os._exit(0)
        os.close(write)
        self._read = read
        self._result: bytes | None = None
        self._waited = False

    def result(self) -> bytes | None:
        """Wait for the child (once); what ``work`` returned, None if it failed."""
        if not self._waited:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            os.waitpid(self.pid, 0)
            self._waited = True
            head, _, rest = data.partition(b"\0")
            self._result = rest if head == b"ok" else None
        return self._result


class _Recycler:
    """A forked process emptying a build folder of its files (:func:`_empty_tree`)
    while the build process starts; it sends back the folders it kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: list[str] | None = None
        self.child = Forked(
            lambda: "\0".join(_empty_tree(str(folder))).encode("utf-8", "surrogateescape")
        )

    def wait(self) -> None:
        if self.kept is not None:
            return
        found = self.child.result()
        if found is not None:
            self.kept = [p for p in found.decode("utf-8", "surrogateescape").split("\0") if p]
            return
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(mode=DIR_MODE)
        self.folder.chmod(DIR_MODE)
        self.kept = []

    def prune(self) -> None:
        self.wait()
        for path in self.kept or ():  # deepest first: a parent emptied by its child goes too
            with contextlib.suppress(OSError):
                os.rmdir(path)
        self.kept = []


def swap_in(
    build: Path, target: Path, *, step: Step | None = None, keep_previous: bool = False
) -> None:
    """Make ``target`` a symlink to the complete folder ``build``, in one atomic rename.

    A reader of ``target`` sees the old build or the new one at every instant. The
    previous build is removed afterwards, or, with ``keep_previous``, left for the
    next run to remove (:class:`Cleaning`). A plain folder left at ``target`` by an older
    warta is exchanged with the link (``renameat2(RENAME_EXCHANGE)``), so even that
    first swap has no gap. ``step`` is called with the name of each boundary
    (``linked``, ``swapped``, ``cleaned``): the tests kill the process there.
    """
    step = step or _no_step
    if build.parent != target.parent:
        raise ValueError(f"{build} must be beside {target}")
    link = target.with_name(f".{target.name}.link.{os.getpid()}.{os.urandom(4).hex()}")
    os.symlink(build.name, link)
    step("linked")
    if target.exists() and not target.is_symlink():
        if not exchange(link, target):
            # No RENAME_EXCHANGE (not Linux): the one short gap left, once per site.
            os.replace(target, target.with_name(f".{target.name}.old"))
            os.replace(link, target)
        # otherwise ``link`` now names the old plain folder: clean_builds removes it
    else:
        os.replace(link, target)
    fsync_dir(target.parent)
    step("swapped")
    if not keep_previous:
        clean_builds(target)
    step("cleaned")


def replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``, replacing what was there.

    The old folder is renamed aside first and removed only after the new one
    is in place; if anything fails the old one is put back.
    """
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    had_old = target.exists()
    if had_old:
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if had_old:
            os.replace(old, target)
        raise
    fsync_dir(target.parent)
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
