"""The two digests the visitor analysis keeps across runs, from CPython's own modules.

``import hashlib`` loads OpenSSL's libcrypto (about 4 MiB resident, a third of GoAccess's
whole run) to offer algorithms this package does not use. BLAKE2 always comes from
CPython's ``_blake2`` anyway (hashlib prefers it), and CPython's SHA-256 (``_sha2`` from
3.12, ``_sha256`` before) gives the same digest as OpenSSL's; hashlib is the fallback
where a build lacks them. CPython's ``random`` takes its SHA-512 the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def _first(attribute: str, modules: tuple[str, ...]) -> Callable[..., Any]:
    """``attribute`` of the first of ``modules`` that this Python has."""
    for name in modules:
        try:
            found: Callable[..., Any] = getattr(importlib.import_module(name), attribute)
            return found
        except ImportError:
            continue
    raise ImportError(f"none of {', '.join(modules)} provides {attribute}")


blake2b = _first("blake2b", ("_blake2", "hashlib"))
sha256 = _first("sha256", ("_sha2", "_sha256", "hashlib"))  # _sha2: Python 3.12 and later
