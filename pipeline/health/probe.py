"""Probe endpoints concurrently: HTTP with httpx, the TLS certificate with ssl.

The certificate is read on a separate, non-verifying connection so that its
expiry is known even when it is already expired (the HTTP request then fails
verification, which is the failure people must see).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from cryptography import x509

from pipeline.health.conditions import Condition, Observation, Outcome

MAX_BODY = 2 * 1024 * 1024  # enough for any page; a runaway body must not eat memory


@dataclass(frozen=True)
class Target:
    """What to probe and how to judge it (built from the configuration)."""

    name: str
    url: str
    conditions: tuple[Condition, ...]
    method: str = "GET"
    timeout: float = 10.0
    retries: int = 0
    retry_delay: float = 1.0
    ca_bundle: str = ""
    verify_tls: bool = True
    domain_expires: datetime | None = None
    """Looked up before probing (RDAP/WHOIS); ``None`` when unknown."""


@dataclass
class CheckResult:
    """The outcome of one check of one target (after retries)."""

    name: str
    url: str
    at: datetime
    success: bool
    observation: Observation
    error: str = ""
    failed: list[str] = field(default_factory=list)
    """Conditions that failed."""
    unknown: list[str] = field(default_factory=list)
    """Conditions whose value could not be seen (warnings)."""
    attempts: int = 1

    @property
    def response_ms(self) -> float | None:
        rt = self.observation.response_time
        return None if rt is None else round(rt.total_seconds() * 1000, 1)

    @property
    def certificate_days(self) -> float | None:
        expires = self.observation.certificate_expires
        return None if expires is None else round((expires - self.at).total_seconds() / 86400, 1)


def judge(target: Target, seen: Observation, error: str) -> tuple[bool, list[str], list[str]]:
    """(success, failed conditions, unknown conditions)."""
    if not seen.connected:
        return (
            False,
            [c.text for c in target.conditions if c.placeholder != "CONNECTED"]
            or ["[CONNECTED] == true"],
            [],
        )
    failed, unknown = [], []
    for condition in target.conditions:
        outcome = condition.evaluate(seen)
        if outcome is Outcome.FAILED:
            failed.append(condition.text)
        elif outcome is Outcome.UNKNOWN:
            unknown.append(condition.text)
    return not failed and not error, failed, unknown


async def _certificate_expiry(url: str, timeout: float) -> datetime | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                parts.hostname, parts.port or 443, ssl=context, server_hostname=parts.hostname
            ),
            timeout,
        )
    except (OSError, TimeoutError, ssl.SSLError):
        return None
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
    if not der:
        return None
    return x509.load_der_x509_certificate(der).not_valid_after_utc


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        reason = text.split("certificate verify failed:", 1)[-1].split("(")[0].strip(" )'\"")
        return f"TLS certificate rejected: {reason}"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {text}"
    return text


async def _attempt(
    target: Target, client: httpx.AsyncClient, now: Callable[[], datetime]
) -> tuple[Observation, str]:
    at = now()
    started = time.perf_counter()
    certificate = await _certificate_expiry(target.url, target.timeout)
    try:
        async with client.stream(target.method, target.url, timeout=target.timeout) as response:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= MAX_BODY:
                    break
            elapsed = timedelta(seconds=time.perf_counter() - started)
            body = b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")
            seen = Observation(
                connected=True,
                status=response.status_code,
                body=body,
                response_time=elapsed,
                certificate_expires=certificate,
                domain_expires=target.domain_expires,
                at=at,
            )
            return seen, ""
    except httpx.HTTPError as error:
        seen = Observation(
            False, certificate_expires=certificate, domain_expires=target.domain_expires, at=at
        )
        return seen, _describe(error)


async def check(
    target: Target, client: httpx.AsyncClient, now: Callable[[], datetime]
) -> CheckResult:
    """Probe ``target``, retrying a failure ``retries`` times before reporting it."""
    attempts = 0
    while True:
        attempts += 1
        seen, error = await _attempt(target, client, now)
        success, failed, unknown = judge(target, seen, error)
        if success or attempts > target.retries:
            break
        await asyncio.sleep(target.retry_delay)
    return CheckResult(
        target.name, target.url, seen.at or now(), success, seen, error, failed, unknown, attempts
    )


async def check_all(
    targets: list[Target],
    *,
    concurrency: int = 20,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_result: Callable[[CheckResult], Awaitable[None] | None] | None = None,
) -> list[CheckResult]:
    """Check every target concurrently (at most ``concurrency`` at once), in input order."""
    semaphore = asyncio.Semaphore(concurrency)
    clients: dict[tuple[bool, str], httpx.AsyncClient] = {}

    def client_for(target: Target) -> httpx.AsyncClient:
        key = (target.verify_tls, target.ca_bundle)
        if key not in clients:
            verify: bool | ssl.SSLContext = target.verify_tls
            if target.verify_tls and target.ca_bundle:
                verify = ssl.create_default_context(cafile=target.ca_bundle)
            clients[key] = httpx.AsyncClient(
                verify=verify, follow_redirects=True, headers={"User-Agent": "warta-health/1"}
            )
        return clients[key]

    async def one(target: Target) -> CheckResult:
        async with semaphore:
            result = await check(target, client_for(target), now)
        if on_result is not None:
            maybe = on_result(result)
            if maybe is not None:
                await maybe
        return result

    try:
        return list(await asyncio.gather(*(one(t) for t in targets)))
    finally:
        for client in clients.values():
            await client.aclose()
