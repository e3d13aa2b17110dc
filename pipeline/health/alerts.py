"""Alerts on state changes: e-mail (SMTP), webhooks (JSON) and every service apprise knows.

``health.alerts.apprise`` lists apprise URLs — ``mailto://`` (e-mail), ``tgram://``
(Telegram), ``whatsapp://`` (WhatsApp Business), ``workflows://`` (Microsoft Teams),
``json://`` / ``form://`` (any webhook or gateway, with the payload's keys renamed by
``?:message=text`` options) and the rest of apprise's catalogue. Why apprise: one library
speaks to the channels a court actually reads (Telegram and WhatsApp groups, Teams, mail)
with one URL each, instead of a client per service. Secrets stay out of ``warta.yml``:
``${NAME}`` in a URL is replaced by the environment variable ``NAME`` when sending.

Only transitions are announced — an endpoint going down after its failure
threshold, or coming back up — so a site that stays down sends one alert, not
one per run.  A channel that cannot be reached is reported back, never raised:
the checks' results are already recorded and must not be lost to a mail outage.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import apprise
import httpx

from pipeline import i18n
from pipeline.config import Config
from pipeline.health import causes
from pipeline.health.policy import Transition
from pipeline.i18n import Locale

i18n.register(
    {
        "id": {
            "alert.down": "{name} TIDAK DAPAT DIAKSES",
            "alert.up": "{name} kembali normal",
            "alert.body_down": "Pemeriksaan {name} ({url}) gagal sejak {at}.\nPenyebab: {cause}"
            "\n\nLangkah: periksa server dan koneksi; catat penanganan pada insiden "
            "(warta health incidents).",
            "alert.body_up": "{name} ({url}) kembali dapat diakses sejak {at}.",
        },
        "en": {
            "alert.down": "{name} IS DOWN",
            "alert.up": "{name} is back up",
            "alert.body_down": "Checks of {name} ({url}) have failed since {at}.\nCause: {cause}"
            "\n\nNext: check the server and the connection; record the handling in the "
            "incident (warta health incidents).",
            "alert.body_up": "{name} ({url}) is reachable again since {at}.",
        },
    }
)


@dataclass(frozen=True)
class Mail:
    """Where and how to send e-mail."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 15.0


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message (the situation report's PDF and HTML)."""

    name: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class Delivery:
    """The outcome of one alert on one channel."""

    channel: str
    endpoint: str
    ok: bool
    error: str = ""


def render(
    transition: Transition, *, url: str, site: str, language: str, tz: str
) -> tuple[str, str]:
    """(subject, body) of the alert for one transition."""
    loc = Locale(language, tz)
    values = {
        "name": transition.name,
        "url": url,
        "at": loc.datetime(transition.at),
        "cause": causes.describe(transition.cause, loc),
    }
    kind = "down" if transition.after == "down" else "up"
    subject = f"[{site}] " + loc.t(f"alert.{kind}", **values)
    return subject, loc.t(f"alert.body_{kind}", **values)


def payload(transition: Transition, *, url: str, subject: str, text: str) -> dict[str, object]:
    """The JSON body posted to webhooks (gateways for Telegram, WhatsApp, chat rooms)."""
    return {
        "event": "down" if transition.after == "down" else "up",
        "endpoint": transition.name,
        "url": url,
        "at": transition.at.isoformat(),
        "before": transition.before,
        "after": transition.after,
        "cause": transition.cause,
        "title": subject,
        "text": text,
    }


def send_mail(mail: Mail, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
    """Send one message (plain text, with files attached); raises OSError /
    smtplib.SMTPException."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=mail.sender.rsplit("@", 1)[-1])
    message.set_content(body)
    for attachment in attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        if maintype == "text":  # sent as UTF-8 text, so that mail readers show it as is
            message.add_attachment(
                attachment.data.decode("utf-8"), subtype=subtype, filename=attachment.name
            )
        else:
            message.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name
            )
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as smtp:
        if mail.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if mail.username:
            smtp.login(mail.username, mail.password)
        smtp.send_message(message)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(url: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """``url`` with each ``${NAME}`` replaced from ``environ``; the names not set."""
    missing = [name for name in _VARIABLE.findall(url) if not environ.get(name)]
    return _VARIABLE.sub(lambda m: environ.get(m.group(1), ""), url), missing


def shown(url: str) -> str:
    """The URL as logs and messages may show it: scheme, host and port only (apprise URLs
    carry tokens in the user, the path and the query)."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}/…"


def send_apprise(url: str, subject: str, body: str) -> str:
    """Send one message through one apprise URL; "" when it was accepted, else why not."""
    sender = apprise.Apprise()
    if not sender.add(url):
        return "apprise cannot read this URL (see apprise's list of services)"
    with apprise.LogCapture(level=logging.WARNING) as logs:
        accepted = bool(sender.notify(title=subject, body=body))
    if accepted:
        return ""
    lines = [line.split(" - ", 2)[-1] for line in str(logs.getvalue()).splitlines() if line]
    return "; ".join(lines) or "the service did not accept the message"


def broadcast(
    subject: str,
    body: str,
    data: dict[str, object],
    *,
    endpoint: str,
    mail: Mail | None,
    webhooks: list[str],
    notify: Sequence[str] = (),
    timeout: float = 10.0,
) -> list[Delivery]:
    """Send one message on every channel (``notify``: apprise URLs, already expanded);
    report each outcome instead of raising."""
    deliveries: list[Delivery] = []
    for url in notify:
        error = send_apprise(url, subject, body)
        deliveries.append(Delivery(f"apprise {shown(url)}", endpoint, not error, error))
    if mail is not None:
        try:
            send_mail(mail, subject, body)
            deliveries.append(Delivery("email", endpoint, True))
        except (OSError, smtplib.SMTPException) as error:
            deliveries.append(Delivery("email", endpoint, False, str(error)))
    for hook in webhooks:
        try:
            response = httpx.post(hook, json=data, timeout=timeout)
            response.raise_for_status()
            deliveries.append(Delivery(f"webhook {hook}", endpoint, True))
        except httpx.HTTPError as error:
            deliveries.append(
                Delivery(f"webhook {hook}", endpoint, False, str(error) or type(error).__name__)
            )
    return deliveries


def deliver(
    transitions: list[Transition],
    *,
    urls: dict[str, str],
    site: str,
    language: str,
    tz: str,
    mail: Mail | None,
    webhooks: list[str],
    notify: Sequence[str] = (),
    timeout: float = 10.0,
) -> list[Delivery]:
    """Announce every transition on every channel; report what happened."""
    deliveries: list[Delivery] = []
    for transition in transitions:
        url = urls.get(transition.name, "")
        subject, body = render(transition, url=url, site=site, language=language, tz=tz)
        data = payload(transition, url=url, subject=subject, text=body)
        deliveries += broadcast(
            subject,
            body,
            data,
            endpoint=transition.name,
            mail=mail,
            webhooks=webhooks,
            notify=notify,
            timeout=timeout,
        )
    return deliveries


def mail_channel(config: Config, smtp_password: str = "") -> Mail | None:
    """The configured e-mail channel of alerts and reminders, if any."""
    email = config.health.alerts.email
    if email is None:
        return None
    return Mail(
        host=email.host,
        port=email.port,
        sender=email.sender,
        recipients=tuple(email.to),
        starttls=email.starttls,
        username=email.username,
        password=smtp_password,
    )


def apprise_channels(
    config: Config, environ: Mapping[str, str]
) -> tuple[list[str], list[Delivery]]:
    """The apprise URLs of ``health.alerts.apprise`` with their ``${NAME}`` variables filled
    from ``environ`` (the caller passes the process environment), and a failed delivery
    for each URL missing one (never sent)."""
    env = environ
    ready, unusable = [], []
    for raw in config.health.alerts.apprise:
        url, missing = expand(raw, env)
        if missing:
            unusable.append(
                Delivery(
                    f"apprise {raw.split('://', 1)[0]}://…",
                    "",
                    False,
                    f"environment variable {', '.join(missing)} is not set (health.alerts.apprise)",
                )
            )
        else:
            ready.append(url)
    return ready, unusable
