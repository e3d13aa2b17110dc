"""The publish's scan between publishes: front matter parsed once per distinct text.

A publish reads every item (5,000 posts: 5,000 YAML parses, most of its scan) although
one changed. The YAML mapping a front matter block parses to is a pure function of its
text, and the limits check (:func:`pipeline.content.limits.markdown_limits`) a pure
function of the body; this cache keeps both between publishes, keyed by the SHA-256 of
that text, in one file (``<state>/build-cache/scan.pickle``, format in
``docs/scale.md``, "Caching between builds"). Everything else the scan does (the
schema check, the category and slug rules, every message) runs on every publish, on
the mapping as it came from the cache, so a cached parse gives the same items and the
same problems as a fresh one.

Only successful parses are kept (an error must be found and located again). The file
is read with an unpickler that knows only the types YAML's safe loader makes (a
damaged or planted file can cost a parse, never run code): anything else makes the
whole file a miss.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

from pipeline.fsutil import atomic_write_bytes

#: Version of the file's format.
VERSION = 1

#: The classes a front matter mapping may hold besides builtins (YAML timestamps).
_ALLOWED = {
    ("datetime", "date"): datetime.date,
    ("datetime", "datetime"): datetime.datetime,
    ("datetime", "timezone"): datetime.timezone,
    ("datetime", "timedelta"): datetime.timedelta,
}
_PLAIN = (str, int, float, bool, type(None), bytes)


class Restricted(pickle.Unpickler):
    """An unpickler that makes Python's builtins and the classes of :attr:`allowed`
    only: any other name a pickle looks up (a class, a function: the only way a pickle
    runs code) is refused, so a damaged or planted file fails to load, never calls."""

    #: (module, name) → class: here, what YAML's safe loader makes besides builtins.
    allowed: dict[tuple[str, str], type] = _ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")
        return found


def _digest(*parts: str | int) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _yaml_value(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` holds only what YAML's safe loader makes (checked before use)."""
    if depth > 64:
        return False
    if isinstance(value, _PLAIN) or type(value) in _ALLOWED.values():
        return True
    if isinstance(value, dict):
        return all(
            _yaml_value(k, depth + 1) and _yaml_value(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list | set):
        return all(_yaml_value(v, depth + 1) for v in value)
    return False


class ParseCache:
    """Front matter mappings and limit-checked bodies of the previous publish."""

    def __init__(self, path: Path, *, reuse: bool = True) -> None:
        """Read the file at ``path`` (unless not ``reuse``: every text parsed again)."""
        self.path = path
        self.hits = self.misses = 0
        self._front: dict[str, bytes] = {}
        self._bodies: set[str] = set()
        self._used_front: dict[str, bytes] = {}
        self._used_bodies: set[str] = set()
        if not reuse:
            return
        try:
            data = Restricted(io.BytesIO(path.read_bytes())).load()
        except Exception:  # absent, damaged or planted: every parse is a miss
            return
        if (
            isinstance(data, dict)
            and data.get("version") == VERSION
            and isinstance(data.get("front"), dict)
            and isinstance(data.get("bodies"), list | set)
        ):
            self._front = {
                k: v for k, v in data["front"].items() if isinstance(k, str) and type(v) is bytes
            }
            self._bodies = {b for b in data["bodies"] if isinstance(b, str)}

    # -- front matter --------------------------------------------------------------------

    def front(self, text: str, line_offset: int) -> Any:
        """The mapping ``text`` parsed to before (a fresh copy), or None on a miss."""
        key = _digest(line_offset, text)
        stored = self._front.get(key)
        if stored is None:
            self.misses += 1
            return None
        try:
            value = Restricted(io.BytesIO(stored)).load()
        except Exception:
            self.misses += 1
            return None
        # (The unpickler makes nothing but builtins and the timestamp types.)
        if not isinstance(value, dict):
            self.misses += 1
            return None
        self.hits += 1
        self._used_front[key] = stored
        return value

    def keep_front(self, text: str, line_offset: int, value: Any) -> None:
        """Remember what ``text`` parsed to (a mapping of YAML's own types only)."""
        if not isinstance(value, dict) or not _yaml_value(value):
            return
        try:
            stored = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        self._used_front[_digest(line_offset, text)] = stored

    # -- bodies within the limits --------------------------------------------------------

    def body_ok(self, body: str) -> bool:
        """Whether ``body`` was found within the limits before."""
        key = _digest("body", body)
        if key in self._bodies:
            self._used_bodies.add(key)
            return True
        return False

    def keep_body(self, body: str) -> None:
        """Remember that ``body`` is within the limits."""
        self._used_bodies.add(_digest("body", body))

    # -- on disk -------------------------------------------------------------------------

    def save(self) -> None:
        """Write what this run used (entries of texts no longer present are dropped)."""
        data = {
            "version": VERSION,
            "front": dict(sorted(self._used_front.items())),
            "bodies": sorted(self._used_bodies),
        }
        payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        # Not durable: a lost or torn file is a miss for every item, never a wrong parse.
        atomic_write_bytes(self.path, payload, durable=False)
