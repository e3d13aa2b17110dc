"""Active content in PDFs: found, removed (pikepdf), or refused where removal would
change the document.

A PDF can carry more than pages: JavaScript (run by the reader, from an open action,
a page or field event, or the document's name tree), launch actions (run a program),
embedded files (an executable beside the text), rich media, and XFA forms whose
scripts draw the pages. None belongs in a court's published document. ``warta convert``
removes them and reports what it removed; a document whose visible content depends on
them (a dynamic XFA form, a form field that formats or computes its value with a
script) is refused, since removing them would change what a reader sees. The review
refuses an attachment that still carries any.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Name

_ACTIONS = {
    Name.JavaScript: "JavaScript",
    Name.Launch: "launch action",
    Name.RichMediaExecute: "rich media action",
    Name.ImportData: "form data import action",
    Name.SubmitForm: "form submission action",
}
_ANNOTATIONS = {
    Name.FileAttachment: "embedded file (attachment annotation)",
    Name.RichMedia: "rich media (Flash)",
    Name.Screen: "media (screen annotation)",
    Name.Movie: "media (movie annotation)",
    Name.Sound: "media (sound annotation)",
}
# Field events whose scripts decide what the field shows (keystroke, format, validate,
# calculate): without them the document reads differently.
_VALUE_EVENTS = ("/K", "/F", "/V", "/C")


class ActiveContentRefused(ValueError):
    """Removing the active content would change the document."""


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every dictionary and stream reachable from the trailer, each once."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [pdf.trailer]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Object):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj
            stack.extend(obj.get(key) for key in obj.keys())  # noqa: SIM118 (streams too)
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _kinds(obj: Any) -> list[str]:
    found = []
    action = obj.get("/S")
    if isinstance(action, Name) and action in _ACTIONS:
        found.append(_ACTIONS[action])
    elif "/JS" in obj:
        found.append("JavaScript")
    if "/OpenAction" in obj:
        found.append("open action (/OpenAction)")
    if "/AA" in obj:
        found.append("event actions (/AA)")
    if obj.get("/Type") == Name.EmbeddedFile or "/EF" in obj:
        found.append("embedded file")
    subtype = obj.get("/Subtype")
    if isinstance(subtype, Name) and subtype in _ANNOTATIONS:
        found.append(_ANNOTATIONS[subtype])
    if "/XFA" in obj:
        found.append("XFA form")
    if "/JavaScript" in obj:
        found.append("document JavaScript (name tree)")
    if "/EmbeddedFiles" in obj:
        found.append("embedded files (name tree)")
    return found


def find_active(pdf: pikepdf.Pdf) -> Counter[str]:
    """Kinds of active content in ``pdf`` and how often each occurs (empty: none)."""
    found: Counter[str] = Counter()
    for obj in _dictionaries(pdf):
        found.update(_kinds(obj))
    return found


def describe(found: Counter[str]) -> str:
    """``JavaScript ×2, embedded file`` — for messages."""
    return ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in sorted(found.items()))


def _refusal(pdf: pikepdf.Pdf, objects: list[Any]) -> str | None:
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form and not form.get("/Fields"):
        return "a dynamic XFA form: its pages are drawn by the form's scripts"
    for obj in objects:
        events = obj.get("/AA")
        field = "/FT" in obj or "/T" in obj
        if (
            field
            and isinstance(events, pikepdf.Dictionary)
            and any(k in events for k in _VALUE_EVENTS)
        ):
            return "a form field formats or computes the value it shows with a script"
    return None


def strip_active(pdf: pikepdf.Pdf) -> Counter[str]:
    """Remove every kind of active content; return what was removed.

    Raises :class:`ActiveContentRefused` when the document's visible content depends on
    it, or when something is left after removal (nothing is then to be published).
    """
    found = find_active(pdf)
    if not found:
        return found
    objects = list(_dictionaries(pdf))
    reason = _refusal(pdf, objects)
    if reason is not None:
        raise ActiveContentRefused(f"{reason} ({describe(found)})")
    root = pdf.Root
    for key in ("/OpenAction", "/AA"):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]  # a static form keeps its AcroForm fields: same pages
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            kept = [a for a in annots if a.get("/Subtype") not in _ANNOTATIONS]
            if len(kept) != len(annots):
                page.obj["/Annots"] = pikepdf.Array(kept)
    for obj in objects:
        if "/AA" in obj:
            del obj["/AA"]
        action = obj.get("/A")
        if isinstance(action, pikepdf.Dictionary) and _kinds(action):
            del obj["/A"]  # a link or outline entry that would run something
        if "/EF" in obj:
            del obj["/EF"]
    left = find_active(pdf)
    if left:
        raise ActiveContentRefused(f"active content could not be removed: {describe(left)}")
    return found
