"""Every write in the channels app.

A message is first stored whole (``message_store``) with a task to process it, in one
transaction; the receiver answers "accepted" only after that commits. Processing
(``message_process``) is idempotent: it locks the row and does nothing to a message that is no
longer ``received``. So a burst of email survives a worker dying half-way, and a message
delivered twice is stored and answered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.cases import actions as cases_actions
from pocketcouncil.cases import photos as photo_rules
from pocketcouncil.cases import queries as cases_queries
from pocketcouncil.cases.models import Source
from pocketcouncil.channels import email_in, risk, tokens
from pocketcouncil.channels.models import (
    Channel,
    ChannelAccount,
    InboundMessage,
    MessageStatus,
    SmsOptOut,
)
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.notify import actions as notify
from pocketcouncil.services import queries as services_queries

SOURCE_FOR = {Channel.EMAIL: Source.EMAIL, Channel.SMS: Source.SMS, Channel.MASTODON: Source.SOCIAL}
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "stopio"})


class ChannelInputError(ValueError):
    """Input the channels app cannot use; the message says why."""


class UnknownRecipientError(ChannelInputError):
    """No council receives messages at this address or number."""


# --- storing what arrives ----------------------------------------------------------------------


def _enqueue(message: InboundMessage) -> None:
    from pocketcouncil.channels.tasks import message_process_task

    if message_process_task.get_backend().supports_defer:  # the database queue: same transaction
        message_process_task.enqueue(message.pk)
    else:  # the immediate backend (development) would run before the row commits
        transaction.on_commit(lambda: message_process_task.enqueue(message.pk))


def message_store(*, account: ChannelAccount, external_id: str, **fields) -> InboundMessage:
    """Keep one message exactly as it arrived, and queue it for processing, in one transaction.
    The same ``external_id`` twice returns the first row and queues nothing."""
    existing = InboundMessage.objects.filter(account=account, external_id=external_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                council=account.council,
                account=account,
                channel=account.channel,
                external_id=external_id[:300],
                **fields,
            )
            _enqueue(message)
    except IntegrityError:  # two deliveries of one message raced each other
        return InboundMessage.objects.get(account=account, external_id=external_id)
    return message


def account_for_email(rcpt_tos: list[str]) -> ChannelAccount | None:
    """The council mailbox among the recipients; a reply address belongs to its case's
    council."""
    lowered = [address.strip().lower() for address in rcpt_tos]
    account = (
        ChannelAccount.objects.select_related("council")
        .filter(channel=Channel.EMAIL, is_active=True, address__in=lowered)
        .first()
    )
    if account:
        return account
    for address in lowered:
        case_id = tokens.case_id_from(address) if tokens.is_reply_address(address) else None
        if case_id is None:
            continue
        council_id = cases_queries.case_council_id(case_id=case_id)
        if council_id is None:
            continue
        account = (
            ChannelAccount.objects.select_related("council")
            .filter(channel=Channel.EMAIL, is_active=True, council_id=council_id)
            .first()
        )
        if account:
            return account
    return None


def email_receive(*, raw: bytes, envelope_from: str | None, rcpt_tos: list[str]) -> InboundMessage:
    """An email arrived (by SMTP or IMAP). Raises ``UnknownRecipientError``."""
    account = account_for_email(rcpt_tos)
    if account is None:
        raise UnknownRecipientError(_("No council receives email at that address."))
    if envelope_from is None:  # fetched by IMAP: the delivering server wrote Return-Path
        envelope_from = email_in.return_path_of(raw)
    parsed = email_in.parse(raw, envelope_from=envelope_from)
    if envelope_from is None:
        envelope_from = parsed.from_address
    reply_to = next((a for a in rcpt_tos if tokens.is_reply_address(a)), "")
    return message_store(
        account=account,
        external_id=parsed.message_id,
        sender=parsed.from_address or (envelope_from or "")[:320],
        sender_name=parsed.from_name,
        subject=parsed.subject,
        body=parsed.body,
        raw=raw,
        envelope_from=(envelope_from or "")[:320],
        recipient=(reply_to or rcpt_tos[0] if rcpt_tos else "")[:320],
        thread_id=parsed.message_id,
    )


def normalise_number(number: str) -> str:
    """Notify sends 447700900123; accounts keep +447700900123. One form for both."""
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    if digits.startswith("0") and len(digits) == 11:
        digits = "44" + digits[1:]
    return "+" + digits if digits else ""


def sms_receive(
    *, notify_id: str, source_number: str, destination_number: str, message: str, raw: bytes
) -> InboundMessage:
    """A text message from GOV.UK Notify's inbound callback. Raises ``UnknownRecipientError``."""
    destination = "".join(ch for ch in destination_number if ch.isdigit())
    account = (
        ChannelAccount.objects.select_related("council")
        .filter(channel=Channel.SMS, is_active=True, address=destination)
        .first()
    )
    if account is None:
        raise UnknownRecipientError(_("No council receives text messages at that number."))
    return message_store(
        account=account,
        external_id=notify_id,
        sender=normalise_number(source_number),
        body=message.strip()[: email_in.BODY_MAX_CHARS],
        raw=raw,
    )


# --- processing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrontDoorChoice:
    service: object
    council: object
    lon: float | None
    lat: float | None
    location_text: str
    confidence: float


def _front_door(council, text: str) -> tuple[FrontDoorChoice | None, str]:
    """The service and place the message is about, or (None, why not)."""
    rest, postcode = services_queries.postcode_in_text(text)
    lon = lat = None
    location_text = ""
    if postcode:
        try:
            found = councils_queries.postcode_get(postcode)
        except (councils_queries.PostcodeInvalidError, councils_queries.PostcodeNotFoundError):
            pass
        else:
            lon, lat, location_text = found.longitude, found.latitude, found.postcode
    outcome = services_queries.front_door_search(
        text=rest, council=None if lon is not None else council, lon=lon, lat=lat, limit=3
    )
    if not outcome.results:
        return None, _("The front door found no service that matches.")
    top = outcome.results[0]
    if top.score < settings.CHANNELS_MIN_CONFIDENCE:
        return None, _("The front door was not sure which service this is.")
    if len(outcome.results) > 1 and outcome.results[1].score >= top.score * 0.9:
        return None, _("Two services match almost equally well.")
    service = services_queries.service_national(lgsl=top.lgsl).service
    if service.location_based and lon is None:
        return None, _("The service needs a place and the message has no postcode.")
    return (
        FrontDoorChoice(
            service=service,
            council=top.council or council,
            lon=lon,
            lat=lat,
            location_text=location_text,
            confidence=top.score,
        ),
        "",
    )


def _photos(message: InboundMessage) -> tuple[list, list[str]]:
    if message.channel != Channel.EMAIL:
        return [], []
    parsed = email_in.parse(bytes(message.raw))
    photos, problems = [], []
    for attachment in parsed.attachments:
        if not email_in.is_image(attachment):
            problems.append(
                _("%(name)s was not kept: only photos are accepted.")
                % {"name": attachment.filename}
            )
            continue
        if len(photos) == photo_rules.MAX_PHOTOS:
            problems.append(
                _("%(name)s was not kept: up to %(n)d photos are accepted.")
                % {"name": attachment.filename, "n": photo_rules.MAX_PHOTOS}
            )
            continue
        upload = SimpleUploadedFile(attachment.filename, attachment.content)
        try:
            photos.append(photo_rules.process(upload))
        except photo_rules.PhotoInvalidError as error:
            problems.append(str(error))
    return photos, problems


def _linked_user(message: InboundMessage):
    if message.channel == Channel.EMAIL:
        return accounts_queries.user_find_by_verified_email(message.sender)
    if message.channel == Channel.SMS:
        return accounts_queries.user_find_by_verified_mobile(message.sender)
    return None


def _case_to_thread(message: InboundMessage):
    """The existing case this message answers, if we can prove which."""
    if message.channel == Channel.EMAIL:
        case_id = tokens.case_id_from(message.recipient)
        if case_id:
            return cases_queries.case_get_by_id(council=message.council, case_id=case_id)
        # "Re: ... OXF-26-000123" from the address the case was reported from.
        for word in message.subject.replace("[", " ").replace("]", " ").split():
            case = cases_queries.case_find_by_reference(council=message.council, reference=word)
            if case and case.reporter_email and case.reporter_email.lower() == message.sender:
                return case
        return None
    from pocketcouncil.channels import queries

    return queries.case_for_reply(message)


def _hold(message: InboundMessage, status: str, reason: str) -> InboundMessage:
    message.status = status
    message.status_reason = reason[:300]
    message.processed_at = timezone.now()
    if status in (MessageStatus.TRIAGE, MessageStatus.RATE_LIMITED) and not message.due_at:
        message.due_at = message.received_at + timedelta(hours=settings.CHANNELS_ANSWER_HOURS)
    message.save()
    return message


def _rate_limited(message: InboundMessage) -> bool:
    since = message.received_at - timedelta(hours=1)
    earlier = InboundMessage.objects.filter(
        channel=message.channel,
        sender=message.sender,
        received_at__gte=since,
        received_at__lte=message.received_at,
        pk__lt=message.pk,
    ).count()
    return earlier >= settings.CHANNELS_RATE_LIMIT_PER_HOUR


def _is_own_address(message: InboundMessage) -> bool:
    sender = message.sender.lower()
    domain = settings.CHANNELS_REPLY_DOMAIN.lower()
    return (
        sender.endswith("@" + domain)
        or ChannelAccount.objects.filter(channel=message.channel, address=sender).exists()
    )


@transaction.atomic
def message_process(*, message_id: int) -> InboundMessage | None:
    """Decide what a stored message becomes. Safe to run twice."""
    message = (
        InboundMessage.objects.select_for_update()
        .select_related("council", "account")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != MessageStatus.RECEIVED:
        return message
    text = "\n".join(part for part in (message.subject, message.body) if part)
    message.risk_flag = risk.risk_in(text)
    message.user = _linked_user(message)

    if message.channel == Channel.EMAIL:
        parsed = email_in.parse(bytes(message.raw), envelope_from=message.envelope_from)
        if parsed.automatic:
            return _hold(message, MessageStatus.IGNORED, parsed.automatic)
        if parsed.spam:
            return _hold(message, MessageStatus.SPAM, _("Marked as spam by the mail server."))
    if _is_own_address(message):
        return _hold(message, MessageStatus.IGNORED, "sent from one of our own addresses")
    if message.channel == Channel.SMS and message.body.strip().lower().strip(".!") in STOP_WORDS:
        return _sms_stop(message)
    if _rate_limited(message):
        return _hold(
            message,
            MessageStatus.RATE_LIMITED,
            _("More than %(n)d messages from this sender in an hour.")
            % {"n": settings.CHANNELS_RATE_LIMIT_PER_HOUR},
        )

    photos, problems = _photos(message)
    message.photo_count = len(photos)
    message.attachment_problems = "\n".join(problems)
    case = _case_to_thread(message)
    if case is not None:
        body = message.body
        if message.channel == Channel.EMAIL:
            body = email_in.without_quoted_reply(body) or body
        cases_actions.case_message_receive(
            case=case,
            actor=message.user,
            message=body or message.subject,
            channel=message.get_channel_display(),
        )
        message.case = case
        _hold(message, MessageStatus.THREADED, "")
        if message.risk_flag:
            _hold(message, MessageStatus.TRIAGE, _("Possible risk to someone: read it now."))
        return message
    if not text.strip():
        return _hold(message, MessageStatus.TRIAGE, _("The message is empty."))
    choice, why_not = _front_door(message.council, text)
    if choice is None:
        return _hold(message, MessageStatus.TRIAGE, why_not)
    try:
        case = cases_actions.case_create(
            service=choice.service,
            description=text,
            actor=message.user,
            resident=message.user,
            council=choice.council,
            lon=choice.lon,
            lat=choice.lat,
            location_text=choice.location_text,
            reporter_name=message.sender_name,
            reporter_email=message.sender if message.channel == Channel.EMAIL else "",
            photos=photos,
            submission_key=f"channels-{message.pk}",
            source=SOURCE_FOR[message.channel],
        )
    except (cases_actions.CaseInputError, PermissionDenied) as error:
        message.confidence = choice.confidence
        return _hold(message, MessageStatus.TRIAGE, str(getattr(error, "message", error)))
    message.case = case
    message.confidence = choice.confidence
    _hold(message, MessageStatus.CASE_CREATED, "")
    acknowledge(message, case)
    if message.risk_flag:
        _hold(message, MessageStatus.TRIAGE, _("Possible risk to someone: read it now."))
    return message


def _sms_stop(message: InboundMessage) -> InboundMessage:
    SmsOptOut.objects.get_or_create(council=message.council, number=message.sender)
    return _hold(message, MessageStatus.OPTED_OUT, _("The sender texted STOP."))


def sms_opted_out(*, council, number: str) -> bool:
    return SmsOptOut.objects.filter(council=council, number=normalise_number(number)).exists()


# --- answering ---------------------------------------------------------------------------------


def acknowledge(message: InboundMessage, case) -> None:
    """Tell the resident their message became a case, on the channel they used."""
    url = cases_actions.case_url(case)
    if message.channel == Channel.EMAIL:
        body = _(
            "Thank you. %(council)s has your report about %(service)s. Its reference is "
            "%(reference)s.\n\nTrack it at %(url)s\n\nTo add to it, reply to this email "
            "or write to %(address)s."
        ) % {
            "council": case.council.name,
            "service": case.service.name,
            "reference": case.reference,
            "url": url,
            "address": tokens.reply_address(case.pk),
        }
        notify.direct_message_send(
            channel="email",
            to=message.sender,
            subject=_("Your report %(reference)s") % {"reference": case.reference},
            body=body,
            reason=_("You emailed the council"),
            council=case.council,
        )
        return
    text = _("%(council)s has your report. Reference %(reference)s. Track it: %(url)s") % {
        "council": case.council.name,
        "reference": case.reference,
        "url": url,
    }
    from pocketcouncil.channels import replies

    replies.reply_send(message=message, body=text, actor=None, case=case)


def raw_messages_purge(*, now=None) -> int:
    """Delete the raw copies of messages older than the retention period (the text staff read
    stays with the case). Returns how many were purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CHANNELS_RAW_RETENTION_DAYS)
    return InboundMessage.objects.filter(received_at__lt=cutoff).exclude(raw=b"").update(raw=b"")
