"""Pages the desk keeps: the queue, the dashboard and a requester's own requests, made
once and served again while nothing they show can have changed (docs/desk.md, Speed).

A page is kept per **session** (the hash of its cookie's token), path and language: it
carries the session's CSRF token and the person's own rows, so it is never served to
another session, let alone another person. It is served again only while its state is
the same: the operational database's count of changes (:class:`pipeline.opsdb.Watch`:
any write by any process to what the pages show moves it), the files the page reads
(the dashboard's content and drafts) and the minute of the clock (the pages show times
to the minute and count working days from today). The session itself is checked before
a kept page is looked at: a logged-out or expired session never reaches one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

Key = tuple[str, str, str]
"""(session key, path, language)."""


class Kept:
    """Rendered pages by :data:`Key`, each with the state it was made in; the oldest are
    dropped past ``limit`` bytes. Used from the event loop's thread only."""

    def __init__(self, limit: int = 32 * 1024 * 1024) -> None:
        self.limit = limit
        self.size = 0
        self._pages: OrderedDict[Key, tuple[Hashable, bytes]] = OrderedDict()

    def get(self, key: Key, state: Hashable) -> bytes | None:
        """The page kept under ``key`` if it was made in ``state``."""
        found = self._pages.get(key)
        if found is None or found[0] != state:
            return None
        self._pages.move_to_end(key)
        return found[1]

    def put(self, key: Key, state: Hashable, body: bytes) -> None:
        """Keep ``body``, made in ``state``, under ``key`` (replacing what was there)."""
        self._drop(key)
        self._pages[key] = (state, body)
        self.size += len(body)
        while self.size > self.limit and self._pages:
            self._drop(next(iter(self._pages)))

    def forget(self, session: str) -> None:
        """Drop every page of one session (its logout)."""
        for key in [k for k in self._pages if k[0] == session]:
            self._drop(key)

    def _drop(self, key: Key) -> None:
        found = self._pages.pop(key, None)
        if found is not None:
            self.size -= len(found[1])

    def __len__(self) -> int:
        return len(self._pages)
