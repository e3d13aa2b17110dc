"""Who is never reported nor denied: the court's own networks, loopback, and search
engines whose address is verified by reverse and forward DNS.

A crawler's user agent is free text: anyone can say "Googlebot". The search engines
publish how to check the claim: the address's reverse name must lie in their domain, and
that name must resolve forward to the same address.  The check runs only for an address
that is about to be reported (a few per run), through a resolver passed in.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

ALWAYS = ("127.0.0.0/8", "::1/128")
"""Loopback: the server itself (health checks, the desk's own requests)."""

SEARCH_ENGINES: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "Googlebot": (
        re.compile(
            r"googlebot|google-inspectiontool|googleother|adsbot-google|mediapartners-google|feedfetcher-google",
            re.I,
        ),
        (".googlebot.com", ".google.com", ".googleusercontent.com"),
    ),
    "Bingbot": (re.compile(r"bingbot|bingpreview|msnbot|adidxbot", re.I), (".search.msn.com",)),
    "Applebot": (re.compile(r"applebot", re.I), (".applebot.apple.com",)),
    "YandexBot": (re.compile(r"yandex", re.I), (".yandex.ru", ".yandex.net", ".yandex.com")),
    "Baiduspider": (re.compile(r"baiduspider", re.I), (".baidu.com", ".baidu.jp")),
    "PetalBot": (re.compile(r"petalbot", re.I), (".petalsearch.com",)),
    "Yahoo Slurp": (re.compile(r"slurp", re.I), (".crawl.yahoo.net",)),
}
"""Search engine → (how its agent names it, the domains its crawlers' reverse names end in)."""


@dataclass(frozen=True)
class Resolver:
    """DNS lookups: ``reverse(address)`` → host names, ``forward(name)`` → addresses.
    Either returns an empty list when nothing is found (never raises)."""

    reverse: Callable[[str], list[str]]
    forward: Callable[[str], list[str]]


def networks(entries: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Parsed networks (an address alone is a /32 or /128); ``ValueError`` names a bad one."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


class AllowList:
    """Decides, for an (address, user agent), whether it is allow-listed."""

    def __init__(self, entries: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self.networks = networks([*ALWAYS, *entries])
        self.resolver = resolver
        self.verified: dict[str, str] = {}
        """Address → the search engine it was verified as."""

    def listed(self, address: str) -> bool:
        """Whether the address lies in a listed network (no DNS)."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        return any(ip.version == net.version and ip in net for net in self.networks)

    def __call__(self, address: str, agent: str) -> bool:
        if self.listed(address):
            return True
        return self.search_engine(address, agent) is not None

    def search_engine(self, address: str, agent: str) -> str | None:
        """The search engine the address is verified as (None: not one, or no resolver)."""
        if self.resolver is None:
            return None
        if address in self.verified:
            return self.verified[address]
        for name, (claim, domains) in SEARCH_ENGINES.items():
            if not claim.search(agent):
                continue
            for host in self.resolver.reverse(address):
                host = host.rstrip(".").lower()
                if any(host.endswith(domain) for domain in domains) and _same(
                    address, self.resolver.forward(host)
                ):
                    self.verified[address] = name
                    return name
            return None
        return None


def _same(address: str, found: list[str]) -> bool:
    try:
        wanted = ipaddress.ip_address(address)
        return any(ipaddress.ip_address(a) == wanted for a in found)
    except ValueError:
        return False


def system_resolver(timeout: float = 2.0) -> Resolver:
    """The machine's own resolver (used by the CLI's ``--verify-crawlers``)."""
    import socket

    def reverse(address: str) -> list[str]:
        try:
            name, aliases, _ = socket.gethostbyaddr(address)
        except OSError:
            return []
        return [name, *aliases]

    def forward(name: str) -> list[str]:
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return []
        return sorted({str(info[4][0]) for info in infos})

    socket.setdefaulttimeout(timeout)
    return Resolver(reverse, forward)
