"""Reading an inbound email with the standard library's ``email`` package: who sent it, what it
says, whether a machine sent it (auto-replies, bounces, mailing lists), and its photos.

Pure functions over bytes; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.utils.html import strip_tags

BODY_MAX_CHARS = 10_000
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif"}
)


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedEmail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    body: str
    to: list[str]
    # Why a person should not get an automatic answer, or "" for a person's email.
    automatic: str = ""
    spam: bool = False
    attachments: list[Attachment] = field(default_factory=list)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header
        return ""
    return str(value or "").strip()


def message_id_of(raw: bytes) -> str:
    """The Message-ID, or a digest of the bytes when there is none (so a re-delivery of the
    same bytes is still recognised)."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    found = _header(message, "Message-ID")
    if found:
        return found[:300]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def return_path_of(raw: bytes) -> str | None:
    """The Return-Path header's address ("" for a bounce's <>), or None when there is none."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    value = _header(message, "Return-Path")
    if not value:
        return None
    return parseaddr(value)[1]


def automatic_reason(message: EmailMessage, envelope_from: str | None) -> str:
    """Why this looks like a machine's email (RFC 3834 and the common conventions), or "".

    Answering one would risk a loop of two robots replying to each other for ever.
    """
    if envelope_from is not None and envelope_from.strip() in ("", "<>"):
        return "bounce (empty sender)"
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted[:50]}"
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return "mailing list"
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return "auto-reply"
    suppress = _header(message, "X-Auto-Response-Suppress").lower()
    if suppress and any(word in suppress for word in ("all", "autoreply", "oof")):
        return "auto-reply (X-Auto-Response-Suppress)"
    content_type = message.get_content_type()
    if content_type == "multipart/report":  # delivery status notifications
        return "delivery report"
    local = parseaddr(_header(message, "From"))[1].split("@")[0].lower()
    if local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply"):
        return f"sent from {local}"
    return ""


_QUOTE_START = re.compile(
    r"^(On .{5,200} wrote:|Ar .{5,200} ysgrifennodd .{0,100}:|-+ ?Original Message ?-+|From: .+)$",
    re.IGNORECASE,
)


def without_quoted_reply(text: str) -> str:
    """The new part of a reply: stops at "On ... wrote:" and drops "> " quoted lines."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        text = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", text))
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()[:BODY_MAX_CHARS]


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        content_type = part.get_content_type()
        try:
            content = part.get_payload(decode=True) or b""
        except (ValueError, TypeError):
            content = b""
        found.append(
            Attachment(
                filename=(part.get_filename() or "attachment")[:100],
                content_type=content_type,
                content=content,
            )
        )
    # Inline images (pasted into the text) count too.
    for part in message.walk():
        if part.get_content_maintype() == "image" and part.get_content_disposition() == "inline":
            found.append(
                Attachment(
                    filename=(part.get_filename() or "photo")[:100],
                    content_type=part.get_content_type(),
                    content=part.get_payload(decode=True) or b"",
                )
            )
    return found


def parse(raw: bytes, *, envelope_from: str | None = None) -> ParsedEmail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    name, address = parseaddr(_header(message, "From"))
    to = [addr for _name, addr in getaddresses([_header(message, "To"), _header(message, "Cc")])]
    spam_flag = _header(message, "X-Spam-Flag").upper() == "YES"
    spam_status = _header(message, "X-Spam-Status").lower().startswith("yes")
    try:
        body = _body(message)
    except (KeyError, ValueError, TypeError):
        body = ""
    try:
        attachments = _attachments(message)
    except (KeyError, ValueError, TypeError):
        attachments = []
    return ParsedEmail(
        message_id=message_id_of(raw),
        from_address=address.strip().lower()[:320],
        from_name=name.strip()[:200],
        subject=" ".join(_header(message, "Subject").split())[:300],
        body=body,
        to=to,
        automatic=automatic_reason(message, envelope_from),
        spam=spam_flag or spam_status,
        attachments=attachments,
    )


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_TYPES
