"""The backup repository: config, packs of blobs, index files, snapshots, the lock.

The format is described in ``docs/backup-format.md``; this module is its only writer.
Every object except ``lock`` is named by a SHA-256 and written once:

- ``data/<2 hex>/<id>``: a *pack*: blobs one after the other, then a JSON header
  listing them, then the header's length (8 bytes, little-endian) and ``WARTAPK1``.
  The pack's id is the SHA-256 of its header, which holds the SHA-256 of every blob:
  checking the header and each blob proves the whole pack.
- ``index/<id>``: which blob is where (pack, offset, length), id = SHA-256 of the file.
- ``snapshots/<id>``: one manifest per backup run, written last.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pipeline.backup.storage import Backend, MissingObject
from pipeline.errors import ConfigError, IntegrityError, NotFoundError, Problem
from pipeline.fsutil import atomic_write_bytes
from pipeline.lock import Lease, lease

FORMAT_VERSION = 2
"""What a new repository with a password is written as; version 1 (no encryption) is
still read, and written when no password is given."""
READABLE_VERSIONS = (1, 2)
PACK_MAGIC = b"WARTAPK1"
PACK_MAGIC_2 = b"WARTAPK2"
# scrypt's cost: ~0.1 s and 32 MiB per key derivation, once per command.
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
TRAILER = struct.Struct("<Q8s")
CHUNK_SIZE = 4 << 20
PACK_SIZE = 16 << 20


def sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_key(pack_id: str) -> str:
    return f"data/{pack_id[:2]}/{pack_id}"


class Crypto:
    """Authenticated encryption of every stored object (format version 2).

    AES-256-GCM with a random 96-bit nonce per object: ``nonce | ciphertext | tag``. A
    changed byte, a wrong key or a truncated object fails the tag check (ValueError).
    """

    OVERHEAD = 12 + 16

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._aead = AESGCM(key)

    def seal(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, None)

    def open(self, data: bytes) -> bytes:
        if len(data) < self.OVERHEAD:
            raise ValueError("too short to be encrypted data")
        try:
            return self._aead.decrypt(data[:12], data[12:], None)
        except InvalidTag:
            raise ValueError("authentication failed (damaged, or another key)") from None


def derive_key(password: str, salt: bytes, *, n: int, r: int, p: int) -> bytes:
    """The key-encryption key of a password (scrypt)."""
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class BlobLocation:
    """Where one blob is stored."""

    pack: str
    offset: int
    length: int
    raw_length: int
    compressed: bool

    def as_list(self, blob_id: str) -> list[Any]:
        return [blob_id, self.offset, self.length, self.raw_length, int(self.compressed)]


@dataclass
class PackInfo:
    id: str
    size: int
    blobs: dict[str, BlobLocation] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "blobs": [loc.as_list(blob) for blob, loc in self.blobs.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PackInfo:
        pack = cls(str(data["id"]), int(data["size"]))
        for blob, offset, length, raw, compressed in data["blobs"]:
            pack.blobs[blob] = BlobLocation(pack.id, offset, length, raw, bool(compressed))
        return pack


def decode_blob(data: bytes, location: BlobLocation, crypto: Crypto | None = None) -> bytes:
    """A stored blob's plain bytes (decrypted, decompressed); raises if damaged."""
    if crypto is not None:
        data = crypto.open(data)
    if location.compressed:
        return zstandard.ZstdDecompressor().decompress(data, max_output_size=location.raw_length)
    return data


def parse_pack_header(
    pack_id: str, tail: bytes, size: int, crypto: Crypto | None = None
) -> PackInfo:
    """The pack's own list of blobs, from its last bytes (raises ValueError if damaged)."""
    if len(tail) < TRAILER.size:
        raise ValueError("too short")
    length, magic = TRAILER.unpack(tail[-TRAILER.size :])
    expected = PACK_MAGIC if crypto is None else PACK_MAGIC_2
    if magic != expected or length + TRAILER.size > len(tail):
        raise ValueError("no pack trailer")
    header = tail[-TRAILER.size - length : -TRAILER.size]
    if sha256(header) != pack_id:
        raise ValueError("header does not match the pack's name")
    data = json.loads(header if crypto is None else crypto.open(header))
    pack = PackInfo(pack_id, size)
    for blob, offset, stored, raw, compressed in data["blobs"]:
        pack.blobs[blob] = BlobLocation(pack_id, offset, stored, raw, bool(compressed))
    return pack


@dataclass
class Snapshot:
    """A parsed snapshot manifest."""

    id: str
    time: datetime
    host: str
    files: list[dict[str, Any]]
    summary: dict[str, Any]
    parent: str | None = None

    @property
    def short(self) -> str:
        return self.id[:8]

    def file_entries(self) -> Iterator[dict[str, Any]]:
        return (f for f in self.files if f["type"] == "file")


class Repository:
    """One opened repository: its backend, its config and (once loaded) its index."""

    def __init__(self, backend: Backend, *, cache: Path | None = None) -> None:
        self.backend = backend
        self.location = backend.location
        self.cache = cache if backend.remote else None
        self.config: dict[str, Any] = {}
        self.crypto: Crypto | None = None
        self.index: dict[str, BlobLocation] = {}
        self.packs: dict[str, PackInfo] = {}
        self.index_files: list[str] = []
        self.recovered_packs: list[str] = []
        self.damaged_snapshots: list[Problem] = []
        self.damaged_indexes: list[Problem] = []
        self.missing_packs: list[str] = []

    # -- config ---------------------------------------------------------------

    def open(
        self,
        *,
        create: bool,
        chunk_size: int = CHUNK_SIZE,
        pack_size: int = PACK_SIZE,
        password: str | None = None,
    ) -> bool:
        """Read ``config`` (writing it first when ``create`` and absent); True if created.

        A new repository is encrypted (format version 2) when a ``password`` is given:
        a random master key, stored under ``keys/`` encrypted with the password's scrypt
        key, then the config. ``chunk_size`` and ``pack_size`` apply to a new repository
        only. A version 2 repository needs its password; version 1 needs none.
        """
        try:
            raw = self.backend.read("config")
        except MissingObject:
            if not create:
                raise NotFoundError(
                    "no backup repository here yet",
                    where=self.location,
                    hint="run warta backup run first (it creates the repository)",
                ) from None
            config: dict[str, Any] = {
                "version": 1 if password is None else 2,
                "id": uuid.uuid4().hex,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "hash": "sha256",
                "chunk_size": chunk_size,
                "pack_size": pack_size,
                "compression": "zstd",
            }
            if password is not None:
                config["encryption"] = "aes-256-gcm"
                config["kdf"] = "scrypt"
                self._add_key(password, os.urandom(32))
            created = self.backend.write_once("config", _json(config))
            raw = self.backend.read("config")
            self.config = self._parse_config(raw)
            self._unlock(password)
            return created
        self.config = self._parse_config(raw)
        self._unlock(password)
        return False

    @property
    def version(self) -> int:
        return int(self.config.get("version", 1))

    def _add_key(self, password: str, master: bytes) -> str:
        salt = os.urandom(16)
        kek = Crypto(derive_key(password, salt, **SCRYPT))
        record = {
            "version": 2,
            "kdf": "scrypt",
            **SCRYPT,
            "salt": _b64(salt),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "data": _b64(kek.seal(master)),
        }
        data = _json(record)
        name = sha256(data)
        self.backend.write_once(f"keys/{name}", data)
        return name

    def _unlock(self, password: str | None) -> None:
        if self.version == 1:
            self.crypto = None
            return
        if password is None:
            raise ConfigError(
                "the backup repository is encrypted and no password was given",
                [
                    Problem(
                        f"{self.location}/config",
                        "format version 2 (AES-256-GCM)",
                        "set WARTA_BACKUP_PASSWORD or backup.password_file to its password",
                    )
                ],
            )
        for key, _size in self.backend.list("keys/"):
            try:
                record = json.loads(self.backend.read(key))
                kek = Crypto(
                    derive_key(
                        password,
                        base64.b64decode(record["salt"]),
                        n=int(record["n"]),
                        r=int(record["r"]),
                        p=int(record["p"]),
                    )
                )
                master = kek.open(base64.b64decode(record["data"]))
            except (ValueError, KeyError, TypeError, MissingObject):
                continue
            self.crypto = Crypto(master)
            return
        raise ConfigError(
            "wrong password for the backup repository",
            [
                Problem(
                    f"{self.location}/keys/",
                    "no key opens with this password",
                    "check WARTA_BACKUP_PASSWORD or backup.password_file; without the "
                    "password the snapshots cannot be read",
                )
            ],
        )

    def _parse_config(self, raw: bytes) -> dict[str, Any]:
        try:
            config = json.loads(raw)
            version = config["version"]
        except (ValueError, KeyError, TypeError):
            raise IntegrityError(
                "the repository's config object is damaged",
                [Problem(f"{self.location}/config", "not a warta repository config")],
            ) from None
        if version not in READABLE_VERSIONS:
            raise IntegrityError(
                "unsupported repository version",
                [
                    Problem(
                        f"{self.location}/config",
                        f"format version {version}, this warta reads "
                        f"{', '.join(map(str, READABLE_VERSIONS))}",
                        "use the warta version that wrote it",
                    )
                ],
            )
        return dict(config)

    @property
    def chunk_size(self) -> int:
        return int(self.config.get("chunk_size", CHUNK_SIZE))

    @property
    def pack_size(self) -> int:
        return int(self.config.get("pack_size", PACK_SIZE))

    # -- immutable objects through the local cache ------------------------------

    def read_named(self, key: str) -> bytes:
        """An object named by its SHA-256, checked; cached locally for remote backends."""
        name = key.rsplit("/", 1)[-1]
        cached = self.cache / key if self.cache else None
        if cached is not None and cached.is_file():
            data = cached.read_bytes()
            if sha256(data) == name:
                return self._plain(data)
        data = self.backend.read(key)
        if sha256(data) != name:
            raise ValueError(f"{key} does not match its name (damaged)")
        if cached is not None:
            atomic_write_bytes(cached, data, durable=False)
        return self._plain(data)

    def _plain(self, stored: bytes) -> bytes:
        return stored if self.crypto is None else self.crypto.open(stored)

    def write_named(self, folder: str, data: bytes) -> str:
        if self.crypto is not None:
            data = self.crypto.seal(data)
        name = sha256(data)
        self.backend.write_once(f"{folder}/{name}", data)
        if self.cache is not None:
            atomic_write_bytes(self.cache / folder / name, data, durable=False)
        return name

    # -- index ---------------------------------------------------------------

    def list_packs(self) -> dict[str, int]:
        """Pack id → size of every pack in ``data/``."""
        return {key.rsplit("/", 1)[-1]: size for key, size in self.backend.list("data/")}

    def load_index(self, *, recover: bool = True, problems: list[Problem] | None = None) -> None:
        """Read every index file; with ``recover``, add packs no index lists yet (left by an
        interrupted run) from their own headers so that their blobs are reused."""
        self.index.clear()
        self.packs.clear()
        self.index_files = []
        self.damaged_indexes = []
        for key, _size in self.backend.list("index/"):
            try:
                data = json.loads(self.read_named(key))
                packs = [PackInfo.from_dict(p) for p in data["packs"]]
            except (ValueError, KeyError, TypeError, MissingObject) as error:
                problem = Problem(
                    f"{self.location}/{key}",
                    f"index unreadable: {error}",
                    "warta backup repair moves it aside (the packs it listed are found again "
                    "from their own headers)",
                )
                self.damaged_indexes.append(problem)
                if problems is None and not recover:
                    raise IntegrityError(
                        "an index file of the repository is damaged", [problem]
                    ) from None
                if problems is not None:
                    problems.append(problem)
                continue
            self.index_files.append(key)
            for pack in packs:
                self._add_pack(pack)
        existing = self.list_packs()
        # An index may list a pack that is gone (deleted by hand, a failed disk), while a
        # later run stored the same blobs again elsewhere: a blob is looked up in a pack
        # that exists first. With ``recover`` (a run), packs that are gone are dropped,
        # so that their blobs are never reused and the next snapshot restores in full.
        self.missing_packs = [p for p, info in self.packs.items() if existing.get(p) != info.size]
        if self.missing_packs:
            gone = set(self.missing_packs)
            self.index.clear()
            for pack in sorted(self.packs.values(), key=lambda p: p.id in gone):
                for blob, location in pack.blobs.items():
                    self.index.setdefault(blob, location)
        if recover:
            self.recovered_packs = []
            if self.missing_packs:
                for pack_id in self.missing_packs:
                    del self.packs[pack_id]
                self.index = {b: loc for b, loc in self.index.items() if loc.pack not in gone}
            for pack_id, size in existing.items():
                if pack_id in self.packs:
                    continue
                try:
                    pack = self.read_pack_header(pack_id, size)
                except (ValueError, MissingObject):
                    continue  # a damaged leftover: prune removes it, nothing refers to it
                self._add_pack(pack)
                self.recovered_packs.append(pack_id)

    def _add_pack(self, pack: PackInfo) -> None:
        self.packs[pack.id] = pack
        for blob, location in pack.blobs.items():
            self.index.setdefault(blob, location)

    def read_pack_header(self, pack_id: str, size: int) -> PackInfo:
        tail_length = min(size, 64 << 10)
        (tail,) = self.backend.read_ranges(pack_key(pack_id), [(size - tail_length, tail_length)])
        try:
            return parse_pack_header(pack_id, tail, size, self.crypto)
        except ValueError:
            if len(tail) < size and len(tail) >= TRAILER.size:
                length, _ = TRAILER.unpack(tail[-TRAILER.size :])
                if length + TRAILER.size <= size:
                    need = length + TRAILER.size
                    (tail,) = self.backend.read_ranges(pack_key(pack_id), [(size - need, need)])
                    return parse_pack_header(pack_id, tail, size, self.crypto)
            raise

    def write_index(self, packs: list[PackInfo]) -> str | None:
        if not packs:
            return None
        data = {"version": self.version, "packs": [p.as_dict() for p in packs]}
        name = self.write_named("index", _json(data))
        self.index_files.append(f"index/{name}")
        return name

    # -- snapshots -------------------------------------------------------------

    def snapshot_ids(self) -> list[str]:
        return [key.rsplit("/", 1)[-1] for key, _ in self.backend.list("snapshots/")]

    def load_snapshot(self, snapshot_id: str) -> Snapshot:
        data = json.loads(self.read_named(f"snapshots/{snapshot_id}"))
        if data.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"snapshot format version {data.get('version')}")
        return Snapshot(
            snapshot_id,
            datetime.fromisoformat(data["time"]),
            str(data.get("host", "")),
            list(data["files"]),
            dict(data.get("summary", {})),
            data.get("parent"),
        )

    def snapshots(self, problems: list[Problem] | None = None) -> list[Snapshot]:
        """Every readable snapshot, oldest first.

        A damaged snapshot never blocks a command: it is skipped, listed in
        :attr:`damaged_snapshots` (and in ``problems`` when given) with the fix,
        ``warta backup repair``, which moves it aside.
        """
        found = []
        self.damaged_snapshots = []
        for snapshot_id in self.snapshot_ids():
            try:
                found.append(self.load_snapshot(snapshot_id))
            except (ValueError, KeyError, TypeError, MissingObject) as error:
                problem = Problem(
                    f"{self.location}/snapshots/{snapshot_id}",
                    f"snapshot unreadable: {error}",
                    "warta backup repair moves it aside; the other snapshots are intact",
                )
                self.damaged_snapshots.append(problem)
                if problems is not None:
                    problems.append(problem)
        return sorted(found, key=lambda s: (s.time, s.id))

    def find_snapshot(self, name: str) -> Snapshot | None:
        """``latest`` (the newest readable one) or a (prefix of a) snapshot id."""
        if name == "latest":
            every = self.snapshots()
            return every[-1] if every else None
        matches = [s for s in self.snapshot_ids() if s.startswith(name)]
        if len(matches) != 1:
            return None
        try:
            return self.load_snapshot(matches[0])
        except (ValueError, KeyError, TypeError, MissingObject) as error:
            raise IntegrityError(
                f"snapshot {matches[0][:8]} is damaged",
                [
                    Problem(
                        f"{self.location}/snapshots/{matches[0]}",
                        f"snapshot unreadable: {error}",
                        "restore another snapshot (warta backup list); warta backup repair "
                        "moves this one aside",
                    )
                ],
            ) from None

    def move_aside(self, key: str) -> str:
        """Move a damaged object to ``damaged/<key>`` (kept for inspection, never read)."""
        target = f"damaged/{key}"
        self.backend.write_once(target, self.backend.read(key))
        self.backend.delete(key)
        if self.cache is not None:
            (self.cache / key).unlink(missing_ok=True)
        return target

    def write_snapshot(self, manifest: dict[str, Any]) -> str:
        return self.write_named("snapshots", _json(manifest))

    # -- reading blobs -----------------------------------------------------------

    def read_blobs(self, pack_id: str, blobs: list[str]) -> Iterator[tuple[str, bytes | None]]:
        """The decoded blobs of one pack, each checked against its id: a damaged one is
        yielded as ``(id, None)``. Raises :class:`MissingObject` if the pack is absent."""
        locations = [self.index[b] for b in blobs]
        data = self.backend.read_ranges(
            pack_key(pack_id), [(loc.offset, loc.length) for loc in locations]
        )
        for blob, location, raw in zip(blobs, locations, data, strict=True):
            try:
                plain: bytes | None = decode_blob(raw, location, self.crypto)
            except (zstandard.ZstdError, ValueError):
                plain = None
            if plain is not None and sha256(plain) != blob:
                plain = None
            yield blob, plain


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


# -- packing ----------------------------------------------------------------------------


class Packer:
    """Collects new blobs into packs and stores each pack when it is full (thread-safe).

    A blob is added at most once per repository: ``known`` holds the ids already stored
    or waiting in a pack.
    """

    def __init__(
        self,
        repo: Repository,
        *,
        on_pack: Callable[[PackInfo], None] | None = None,
    ) -> None:
        self.repo = repo
        self.on_pack = on_pack
        self.lock = threading.Lock()
        self.known: set[str] = set(repo.index)
        self.buffer: list[bytes] = []
        self.entries: list[list[Any]] = []
        self.filled = 0
        self.stored: list[PackInfo] = []
        self.stored_bytes = 0

    def add(self, blob: str, data: bytes, *, compress: bool) -> bool:
        """Queue a blob unless known; True when it was new."""
        with self.lock:
            if blob in self.known:
                return False
            self.known.add(blob)
        stored = data
        if compress and len(data) > 64:
            packed = zstandard.ZstdCompressor(level=3).compress(data)
            if len(packed) < len(data) * 0.9:
                stored = packed
        compressed = stored is not data
        if self.repo.crypto is not None:  # compress, then encrypt (encrypted data is noise)
            stored = self.repo.crypto.seal(stored)
        with self.lock:
            self.entries.append([blob, self.filled, len(stored), len(data), int(compressed)])
            self.buffer.append(stored)
            self.filled += len(stored)
            full = self.filled >= self.repo.pack_size
            if full:
                taken = self._take()
        if full:
            self._store(*taken)
        return True

    def _take(self) -> tuple[list[bytes], list[list[Any]]]:
        taken = (self.buffer, self.entries)
        self.buffer, self.entries, self.filled = [], [], 0
        return taken

    def flush(self) -> None:
        with self.lock:
            taken = self._take()
        if taken[1]:
            self._store(*taken)

    def _store(self, buffer: list[bytes], entries: list[list[Any]]) -> None:
        header = _json({"version": self.repo.version, "blobs": entries})
        magic = PACK_MAGIC
        if self.repo.crypto is not None:
            header, magic = self.repo.crypto.seal(header), PACK_MAGIC_2
        pack_id = sha256(header)
        body = b"".join([*buffer, header, TRAILER.pack(len(header), magic)])
        self.repo.backend.write_once(pack_key(pack_id), body)
        pack = PackInfo(pack_id, len(body))
        for blob, offset, length, raw, compressed in entries:
            pack.blobs[blob] = BlobLocation(pack_id, offset, length, raw, bool(compressed))
        with self.lock:
            self.stored.append(pack)
            self.stored_bytes += len(body)
        if self.on_pack is not None:
            self.on_pack(pack)


# -- the lock -----------------------------------------------------------------------------
# The repository's lock is a lease object in its storage (pipeline/lock.py), like restic's
# lock files, because the repository may be a bucket that several hosts write to.

LockHolder = Lease


@contextmanager
def locked(
    repo: Repository,
    operation: str,
    *,
    stale_after: timedelta,
    wait: float = 0.0,
    host: str | None = None,
) -> Iterator[Lease]:
    """Hold the repository's exclusive lock: the object ``lock`` (:func:`pipeline.lock.lease`)."""
    with lease(
        repo.backend,
        "lock",
        operation,
        what="the backup repository",
        where=repo.location,
        stale_after=stale_after,
        stale_hint="raise backup.lock_stale_after and run again; nothing was lost",
        wait=wait,
        host=host,
    ) as holder:
        yield holder
