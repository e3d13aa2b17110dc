"""The English-word detector for Indonesian outputs (issue 17: one language per output).

:func:`english_words` returns the English words found in the text a person reads (HTML
tags, scripts, styles, attribute values, URLs, e-mail and IP addresses and ``<code>``
excerpts of logs are left out: they are data, not text). The list holds common English words
of the kinds that leaked into Indonesian outputs before (rule names, causes, units, step
names, priorities, agent families), none of which is also an Indonesian word.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ENGLISH = frozenset(
    """
    the and or of to in on for with from by at is are was were be been has have had not no
    this that these those it its a an as but if then than which who when where while
    all any each every some other others more most less least none only also very
    request requests requested response responses error errors failed failure fail fails
    cannot could connect connection connections attempts attempt timeout timed refused
    reset unreachable unknown unavailable available availability outage operational
    ongoing open opened closed close closing resolved pending started start end ended
    high medium low critical urgent priority priorities severity
    step steps stage stages draft drafts review reviewed approval approved publish
    published archive archived collect convert embargo
    incident incidents ticket tickets report reports summary service services
    uptime downtime checks check checked updated update generated period weekly monthly
    daily hourly day days hour hours minute minutes second seconds week weeks month months
    year years min sec today yesterday
    crawler crawlers bot bots others unknown human humans visitor visitors visits hits
    browser browsers page pages file files size totals top rule rules sample samples
    first last count counts address addresses finding findings suspicious denied deny
    blocked allow allowed rate scan scanner probe probing login brute force injection
    traversal path paths certificate certificates expiry expires expired due
    renewal renewals backup backups restore restored snapshot repository prune verify
    drill job jobs succeeded success successful condition good attention trouble
    problems problem found nothing yet never still since until after before within
    late on-time time times date dates duration cause causes resolution
    category categories title titles item items content freshness fresh stale newest age
    limit state kind kinds name names provider detail details note notes owner holder
    holders assigned assignee opened closed source sources action actions alternative
    alternatives considered taken recorded steps workflow workflows overdue breached
    working holiday holidays weekend
    monday tuesday wednesday thursday friday saturday sunday
    january february march may june july august october december
    may aug oct dec
    """.split()  # noqa: SIM905  (a word list reads better as text)
)
"""English words that are not Indonesian words (``status``, ``domain``, ``target``, ``April``,
``September``, ``November`` are Indonesian too (``data``, ``server``, ``login``-like loans
that Indonesian uses as-is are still listed only when the outputs use an Indonesian word)."""

ALLOWED = frozenset({"warta", "ms", "ip", "tls", "https", "http", "url", "p95", "json", "csv"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "code", "pre"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "code", "pre"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_DATA = re.compile(
    r"https?://\S+|\S+@\S+|\b\d{1,3}(?:\.\d{1,3}){3}\b|[0-9a-f:]*:[0-9a-f:]+|`[^`]*`|\S+/\S+"
)


def visible_text(text: str) -> str:
    """The text a person reads in ``text`` (HTML or Markdown/plain text)."""
    if "<" in text and ">" in text:
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.parts)
    return _DATA.sub(" ", text)


def english_words(text: str, *, allow: frozenset[str] = frozenset()) -> list[str]:
    """The English words in ``text``'s visible text (sorted, each once)."""
    words = {w.lower() for w in re.findall(r"(?<!\w)[A-Za-z][A-Za-z'-]*(?!\w)", visible_text(text))}
    return sorted(w for w in words if w in ENGLISH and w not in ALLOWED and w not in allow)
