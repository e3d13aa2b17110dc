"""Domain expiry: RDAP (RFC 9082/9083) with the IANA bootstrap (RFC 9224), WHOIS as fallback.

No date found is *unknown* — a warning — and never counts as OK.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipeline.config import Endpoint

BUNDLED_BOOTSTRAP = "data/rdap-dns.json"
#: WHOIS servers by top-level domain (fallback when RDAP gives no date).
WHOIS_SERVERS = {
    "id": "whois.pandi.or.id",
    "com": "whois.verisign-grs.com",
    "net": "whois.verisign-grs.com",
    "org": "whois.publicinterestregistry.org",
}
_WHOIS_EXPIRY = re.compile(
    r"^\s*(?:Registry Expiry Date|Registrar Registration Expiration Date|Expiration Date|"
    r"Expiry Date|Expires On|paid-till)\s*:\s*(?P<date>\S.*?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class DomainExpiry:
    """What was learnt about one domain."""

    domain: str
    expires: datetime | None
    source: str
    """``rdap <url>``, ``whois <server>`` or ``none``."""
    problem: str = ""


def load_bootstrap(override: Path | None = None) -> dict[str, Any]:
    """The RDAP bootstrap: a refreshed copy when there is one, else the bundled subset."""
    if override is not None and override.is_file():
        return dict(json.loads(override.read_text(encoding="utf-8")))
    text = resources.files("pipeline.health").joinpath(BUNDLED_BOOTSTRAP).read_text("utf-8")
    return dict(json.loads(text))


def rdap_base(domain: str, bootstrap: dict[str, Any]) -> str | None:
    """The RDAP base URL for ``domain``: the longest matching label suffix wins."""
    labels = domain.lower().rstrip(".").split(".")
    best: tuple[int, str] | None = None
    for entries, urls in bootstrap.get("services", []):
        for entry in entries:
            suffix = entry.lower().split(".")
            if (
                labels[-len(suffix) :] == suffix
                and urls
                and (best is None or len(suffix) > best[0])
            ):
                https = [u for u in urls if u.startswith("https://")]
                best = (len(suffix), (https or urls)[0])
    return None if best is None else best[1]


def parse_rdap(document: dict[str, Any]) -> datetime | None:
    """The ``expiration`` event of an RFC 9083 domain object."""
    for event in document.get("events", []):
        if event.get("eventAction") == "expiration" and event.get("eventDate"):
            return _parse_date(str(event["eventDate"]))
    return None


def _parse_date(text: str) -> datetime | None:
    text = text.strip().replace("Z", "+00:00")
    for candidate in (text, text.split(" ")[0], text.split("T")[0]):
        try:
            moment = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def parse_whois(text: str) -> datetime | None:
    """The expiry date of a WHOIS answer, in the common formats."""
    for match in _WHOIS_EXPIRY.finditer(text):
        found = _parse_date(match.group("date"))
        if found is not None:
            return found
    return None


def query_whois(server: str, domain: str, *, port: int = 43, timeout: float = 10.0) -> str:
    """The raw WHOIS answer (RFC 3912: send the name, read until the server closes)."""
    with socket.create_connection((server, port), timeout=timeout) as connection:
        connection.sendall(domain.encode("idna") + b"\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


def lookup(
    domain: str, *, bootstrap: dict[str, Any], whois_servers: dict[str, str], timeout: float = 10.0
) -> DomainExpiry:
    """RDAP first, then WHOIS; a result without a date says why."""
    problems = []
    base = rdap_base(domain, bootstrap)
    if base is None:
        problems.append("no RDAP server for this top-level domain in the bootstrap")
    else:
        url = base.rstrip("/") + "/domain/" + domain
        try:
            response = httpx.get(
                url,
                timeout=timeout,
                follow_redirects=True,
                headers={"Accept": "application/rdap+json"},
            )
            response.raise_for_status()
            expires = parse_rdap(response.json())
            if expires is not None:
                return DomainExpiry(domain, expires, f"rdap {url}")
            problems.append(f"RDAP {url} gives no expiration event")
        except (httpx.HTTPError, ValueError) as error:
            problems.append(f"RDAP {url}: {error or type(error).__name__}")
    server = whois_servers.get(domain.rsplit(".", 1)[-1].lower())
    if server:
        host, _, port = server.partition(":")
        try:
            expires = parse_whois(query_whois(host, domain, port=int(port or 43), timeout=timeout))
            if expires is not None:
                return DomainExpiry(domain, expires, f"whois {server}")
            problems.append(f"WHOIS {server} gives no expiry date")
        except OSError as error:
            problems.append(f"WHOIS {server}: {error}")
    return DomainExpiry(domain, None, "none", "; ".join(problems))


def endpoint_domain(endpoint: Endpoint) -> str:
    """The registered domain of an endpoint (its ``domain``, else its host without www.)."""
    host = urlsplit(endpoint.url).hostname or ""
    return endpoint.domain or host.removeprefix("www.")
