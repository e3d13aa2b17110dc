"""The e-mail a requester receives when their ticket moves (received, moved, closed,
rejected), in Indonesian, with the link to the ticket in the desk.

The texts only; sending, and recording a failed sending, is the use case's
(:func:`pipeline.commands.tickets.tell_requester`), so the desk and ``warta ticket``
tell the requester alike.
"""

from __future__ import annotations

from pipeline.tickets.engine import Ticket
from pipeline.tickets.workflows import Workflow

TEXTS = {
    "new": (
        "Permintaan {label} diterima: {title}",
        "Permintaan layanan TI Anda {label} ({title}) tercatat dan menunggu langkah {step}.",
    ),
    "moved": (
        "Permintaan {label} bergerak: {title}",
        "Permintaan layanan TI Anda {label} ({title}) kini pada langkah {step}.",
    ),
    "closed": (
        "Permintaan {label} selesai: {title}",
        "Permintaan layanan TI Anda {label} ({title}) telah selesai ditangani.",
    ),
    "rejected": (
        "Permintaan {label} ditolak: {title}",
        "Permintaan layanan TI Anda {label} ({title}) ditolak. Alasannya tercatat di meja layanan.",
    ),
}
"""(subject, body) per kind of move."""


def notice(
    ticket: Ticket, workflow: Workflow, kind: str, *, site: str, desk_url: str
) -> tuple[str, str]:
    """(subject, body) of the mail telling the requester that ``ticket`` moved; ``kind``
    is ``new``, ``moved`` (``closed`` when the move closed it) or ``rejected``."""
    if kind == "moved" and ticket.status == "closed":
        kind = "closed"
    step = workflow.step(ticket.step)
    values = {
        "label": ticket.label,
        "title": ticket.title,
        "step": f"{ticket.step} ({step.title.id})" if step else ticket.step,
    }
    subject, body = (text.format(**values) for text in TEXTS[kind])
    return f"[{site}] {subject}", f"{body}\n\n{desk_url}/tiket/{ticket.id}\n"
