"""The chase as email: one draft per owner (`.eml`, multipart text and HTML, `X-Unsent: 1` so Outlook opens it as
a draft to send), a summary for the lead, and sending through an SMTP server.

Messages are built with the standard library's `email` package (RFC 5322, encoded headers, MIME parts) and sent
with `smtplib`; the HTML bodies come from Jinja2 templates with autoescape on.
"""

from __future__ import annotations

import functools
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from sheetsync.chasing import ChaseItem, ChaseRound, OwnerChase
from sheetsync.dates import long_date
from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.files import write_bytes_atomic

REASON_WORDS = {"no owner": "no owner", "overdue": "overdue", "due soon": "due soon", "stale": "needs a fresh update",
                "findings": "needs correcting"}
DEFAULT_SENDER = "stalking-action-plan@localhost"
# RFC 5322 lines stay well under 998 characters. At the default 78, CPython folds a subject of 70 to 78 characters
# onto a line of its own ("Subject:" then " OFFICIAL: …"), which readers then show with a leading space.
POLICY = policy.default.clone(max_line_length=120)


class SendError(SheetsyncError, OSError):
    """The SMTP server could not be reached, refused us, or refused a recipient."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One owner's message, ready to write or send."""

    owner: OwnerChase
    message: EmailMessage


def subject_for(chase: ChaseRound, owner: OwnerChase) -> str:
    count = len(owner.items)
    noun = "item needs" if count == 1 else "items need"
    return f"{chase.marking}: Stalking action plan: {count} {noun} your update by {long_date(chase.reply_by)}"


def owner_message(chase: ChaseRound, owner: OwnerChase, *, sender: str = DEFAULT_SENDER,
                  attachment: Path | None = None) -> EmailMessage:
    """The message for one owner: only their items, nothing about anyone else."""
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject_for(chase, owner)
    message["From"] = sender
    if owner.email:
        message["To"] = owner.email
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message["X-Unsent"] = "1"
    message["X-Sheetsync-Owner"] = owner.owner
    context = _context(chase, owner)
    message.set_content(_render("chase.txt.j2", context))
    message.add_alternative(_render("chase.html.j2", context), subtype="html")
    if attachment is not None:
        message.add_attachment(attachment.read_bytes(), maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               filename=attachment.name)
    return message


def drafts(chase: ChaseRound, *, sender: str = DEFAULT_SENDER,
           attachments: Callable[[OwnerChase], Path | None] | None = None) -> list[Draft]:
    """A draft for every owner with something to update."""
    return [Draft(owner, owner_message(chase, owner, sender=sender,
                                       attachment=attachments(owner) if attachments else None))
            for owner in chase.to_chase]


def summary_text(chase: ChaseRound) -> str:
    return _render("chase-summary.txt.j2", _summary_context(chase))


def summary_html(chase: ChaseRound) -> str:
    return _render("chase-summary.html.j2", _summary_context(chase))


def write_draft(draft: Draft, folder: Path, name: str, *, overwrite: bool = False) -> Path:
    return write_bytes_atomic(folder / name, bytes(draft.message), overwrite=overwrite)


# --------------------------------------------------------------------------------------------------- sending


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 20.0


def parse_smtp(value: str) -> tuple[str, int]:
    """"mail.example.org:587" -> ("mail.example.org", 587); the port defaults to 25."""
    host, sep, port = value.strip().rpartition(":")
    if not sep:
        host, port = value.strip(), "25"
    if not host or not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--smtp {value!r} is not HOST:PORT", hint="Write it like mail.example.org:587")
    return host.strip("[]"), int(port)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """Who got their message and who did not (with the server's reason)."""

    sent: tuple[str, ...]
    refused: tuple[str, ...]  # "owner <address>: reason"


def send_drafts(items: Sequence[Draft], smtp: SmtpSettings) -> SendOutcome:
    """Send each draft; a recipient the server refuses is reported and the others still go. Raises SendError
    (nothing sent) when the server cannot be reached or refuses the login."""
    sent: list[str] = []
    refused: list[str] = []
    where = f"{smtp.host}:{smtp.port}"
    try:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"cannot reach the mail server {where} ({_reason(exc)})",
                        hint="Check --smtp HOST:PORT and that the server accepts connections from this PC; "
                             "nothing was sent") from exc
    try:
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                if smtp.password is None:
                    raise ConfigError("--user is given but SHEETSYNC_SMTP_PASSWORD is not set",
                                      hint="Set SHEETSYNC_SMTP_PASSWORD in the environment; nothing was sent")
                client.login(smtp.user, smtp.password)
            for draft in items:
                recipient = draft.owner.email
                label = f"{draft.owner.owner} <{recipient}>"
                if recipient is None:
                    refused.append(f"{draft.owner.owner}: no email address")
                    continue
                message = _for_sending(draft.message)
                try:
                    client.send_message(message, to_addrs=[recipient])
                except smtplib.SMTPRecipientsRefused as exc:
                    refused.append(f"{label}: {_reason(exc)}")
                    continue
                except smtplib.SMTPResponseException as exc:
                    refused.append(f"{label}: {_reason(exc)}")
                    continue
                sent.append(draft.owner.key)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"the mail server {where} refused the login ({_reason(exc)})",
                        hint="Check --user and SHEETSYNC_SMTP_PASSWORD") from exc
    except (OSError, smtplib.SMTPException) as exc:
        if not sent:
            raise SendError(f"the mail server {where} failed ({_reason(exc)})",
                            hint="Nothing was sent; try again later") from exc
        refused.append(f"(connection lost after {len(sent)} sent: {_reason(exc)})")
    return SendOutcome(tuple(sent), tuple(refused))


def _for_sending(message: EmailMessage) -> EmailMessage:
    copy = EmailMessage(policy=POLICY)
    for key, value in message.items():
        if key not in ("X-Unsent",):
            copy[key] = value
    copy.set_payload(message.get_payload())
    return copy


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {raw.decode(errors='replace') if isinstance(raw, bytes) else raw}"
                 for code, raw in exc.recipients.values()]
        return "; ".join(codes) or "refused"
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {error}".strip()
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# ------------------------------------------------------------------------------------------------- templates


def _context(chase: ChaseRound, owner: OwnerChase) -> dict[str, Any]:
    scrub = _scrubber(chase, owner)
    items = [replace(i, evidence=scrub(i.evidence), todo=tuple(scrub(line) for line in i.todo)) for i in owner.items]
    return {"chase": chase, "owner": owner, "items": [_item(i) for i in items],
            "reply_by": long_date(chase.reply_by), "as_of": long_date(chase.as_of)}


def _scrubber(chase: ChaseRound, owner: OwnerChase) -> Callable[[str], str]:
    """Replace every other owner's name (whole words, any case) with "a colleague"; `owner`'s own stay."""
    own = {name.casefold() for name in chase.names_of(owner)}
    pattern = _names_pattern(chase)
    if pattern is None:
        return lambda text: text

    def swap(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).casefold() in own else "a colleague"

    return lambda text: pattern.sub(swap, text)


@functools.lru_cache(maxsize=4)
def _names_pattern(chase: ChaseRound) -> re.Pattern[str] | None:
    """One pattern for every owner's names, longest first (built once per chase, not once per owner)."""
    names = sorted({name for o in chase.owners for name in chase.names_of(o)}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def _summary_context(chase: ChaseRound) -> dict[str, Any]:
    return {"chase": chase, "as_of": long_date(chase.as_of), "reply_by": long_date(chase.reply_by),
            "owners": [{"owner": o, "todo": [_item(i) for i in o.items]} for o in chase.owners],
            "unassigned": [_item(i) for i in chase.unassigned],
            "not_updated": [o.owner for o in chase.owners if o.updated_since_return is False]}


def _item(item: ChaseItem) -> dict[str, Any]:
    return {"item": item, "why": ", ".join(REASON_WORDS.get(r, r) for r in item.reasons),
            "deadline": long_date(item.deadline) if item.deadline else "no deadline",
            "last_update": long_date(item.last_update) if item.last_update else "no date"}


def _render(name: str, context: dict[str, Any]) -> str:
    text: str = _environment().get_template(name).render(**context)
    return text


@functools.cache
def _environment() -> Any:
    """One Jinja2 environment per process, so each template is compiled once (per message it cost 45 ms)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("sheetsync", "templates"),
                              autoescape=jinja2.select_autoescape(["html.j2"]), trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


__all__ = ["DEFAULT_SENDER", "Draft", "SendError", "SendOutcome", "SmtpSettings", "drafts", "owner_message",
           "parse_smtp", "send_drafts", "subject_for", "summary_html", "summary_text", "write_draft"]
