"""What a recorded health cause means, in the reader's language.

The probe records causes as short technical texts (``health_incidents.cause``,
``health_results.error``): ``timed out``, ``cannot connect: <library message>``, ``TLS
certificate rejected: <reason>``, ``failed: <condition>; <condition>``, ``checks pass
again``. They stay as recorded (they are the technical trail); :func:`describe` turns one
into the sentence a person reads on the status page, in reports, tickets and alerts. A
library's own message (English, sometimes long) is never shown to a person: an
unrecognised cause reads as "technical fault".
"""

from __future__ import annotations

from typing import Any

from pipeline import i18n
from pipeline.i18n import Locale

i18n.register(
    {
        "id": {
            "cause.timeout": "server tidak menjawab dalam batas waktu",
            "cause.connect": "tidak dapat terhubung ke server",
            "cause.tls": "sertifikat TLS ditolak",
            "cause.tls_expired": "sertifikat TLS ditolak: sudah kedaluwarsa",
            "cause.tls_self_signed": "sertifikat TLS ditolak: tidak diterbitkan oleh otoritas "
            "tepercaya",
            "cause.tls_hostname": "sertifikat TLS ditolak: nama host tidak cocok",
            "cause.failed": "syarat pemeriksaan tidak terpenuhi: {conditions}",
            "cause.recovered": "pemeriksaan kembali berhasil",
            "cause.http": "server menjawab dengan kode HTTP {code}",
            "cause.other": "gangguan teknis",
        },
        "en": {
            "cause.timeout": "the server did not answer in time",
            "cause.connect": "cannot connect to the server",
            "cause.tls": "TLS certificate rejected",
            "cause.tls_expired": "TLS certificate rejected: it has expired",
            "cause.tls_self_signed": "TLS certificate rejected: not issued by a trusted authority",
            "cause.tls_hostname": "TLS certificate rejected: the host name does not match",
            "cause.failed": "check conditions not met: {conditions}",
            "cause.recovered": "checks pass again",
            "cause.http": "the server answered with HTTP {code}",
            "cause.other": "technical fault",
        },
    }
)


def key(cause: str) -> tuple[str, dict[str, Any]]:
    """The catalogue key of ``cause`` and its values."""
    text = cause.strip()
    lower = text.lower()
    if "timed out" in lower or lower.startswith("timeout"):
        return "cause.timeout", {}
    if lower.startswith("tls certificate rejected"):
        if "expired" in lower:
            return "cause.tls_expired", {}
        if "self-signed" in lower or "self signed" in lower or "issuer" in lower:
            return "cause.tls_self_signed", {}
        if "hostname" in lower or "host name" in lower or "mismatch" in lower:
            return "cause.tls_hostname", {}
        return "cause.tls", {}
    if lower.startswith("cannot connect"):
        return "cause.connect", {}
    if lower.startswith("failed: "):
        return "cause.failed", {"conditions": text[len("failed: ") :]}
    if text.startswith("["):  # the failed conditions themselves: `[STATUS] (503) == 200`
        return "cause.failed", {"conditions": text}
    if lower.startswith("http ") and lower[5:].strip().isdigit():
        return "cause.http", {"code": lower[5:].strip()}
    if lower == "checks pass again":
        return "cause.recovered", {}
    return "cause.other", {}


def describe(cause: str, loc: Locale) -> str:
    """``cause`` as a person reads it in ``loc``'s language (never the library's text)."""
    name, values = key(cause)
    return loc.t(name, **values)
