"""Writes staff make from the inbox: assign, mark as spam, link to a case, make a case, reply.
Each checks the permission in the message's council and records who did it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.cases import actions as cases_actions
from pocketcouncil.cases import queries as cases_queries
from pocketcouncil.channels import replies
from pocketcouncil.channels.actions import SOURCE_FOR, ChannelInputError, acknowledge
from pocketcouncil.channels.models import Channel, InboundMessage, MessageStatus
from pocketcouncil.services import queries as services_queries


def _locked(message: InboundMessage, actor) -> InboundMessage:
    permissions.require(actor, "channels.answer", message.council)
    return (
        InboundMessage.objects.select_for_update()
        .select_related("council", "account")
        .get(pk=message.pk)
    )


def _who(actor) -> str:
    return getattr(actor, "email", "") or str(actor)


@transaction.atomic
def message_assign(*, message: InboundMessage, actor, assignee) -> InboundMessage:
    message = _locked(message, actor)
    if assignee is not None:
        permissions.require(assignee, "channels.answer", message.council)
    message.assigned_to = assignee
    message.save(update_fields=["assigned_to"])
    return message


@transaction.atomic
def message_mark_spam(*, message: InboundMessage, actor) -> InboundMessage:
    message = _locked(message, actor)
    message.status = MessageStatus.SPAM
    message.status_reason = _("Marked as spam by %(who)s") % {"who": _who(actor)}
    message.save(update_fields=["status", "status_reason"])
    return message


@transaction.atomic
def message_link_case(*, message: InboundMessage, actor, reference: str) -> InboundMessage:
    """Add the message to an existing case of the same council."""
    message = _locked(message, actor)
    case = cases_queries.case_find_by_reference(council=message.council, reference=reference)
    if case is None:
        raise ChannelInputError(
            _("There is no case %(reference)s in this council.") % {"reference": reference}
        )
    cases_actions.case_message_receive(
        case=case,
        actor=actor,
        message=message.body or message.subject,
        channel=message.get_channel_display(),
    )
    message.case = case
    message.status = MessageStatus.THREADED
    message.status_reason = _("Linked to %(reference)s by %(who)s") % {
        "reference": case.reference,
        "who": _who(actor),
    }
    message.save(update_fields=["case", "status", "status_reason"])
    return message


@transaction.atomic
def message_convert_to_case(
    *, message: InboundMessage, actor, lgsl: int, postcode: str = ""
) -> InboundMessage:
    """Make a case from the message for the service staff chose."""
    from pocketcouncil.councils import queries as councils_queries

    message = _locked(message, actor)
    if message.case_id:
        raise ChannelInputError(_("This message is already part of a case."))
    try:
        service = services_queries.service_national(lgsl=lgsl).service
    except services_queries.ServiceNotFoundError:
        raise ChannelInputError(_("Choose a service")) from None
    lon = lat = None
    if postcode.strip():
        try:
            found = councils_queries.postcode_get(postcode)
        except (councils_queries.PostcodeInvalidError, councils_queries.PostcodeNotFoundError):
            raise ChannelInputError(
                _("We could not find the postcode %(postcode)s.") % {"postcode": postcode}
            ) from None
        lon, lat = found.longitude, found.latitude
    text = "\n".join(part for part in (message.subject, message.body) if part)
    try:
        case = cases_actions.case_create(
            service=service,
            description=text,
            actor=actor,
            resident=message.user,
            council=message.council,
            lon=lon,
            lat=lat,
            location_text=postcode.strip().upper(),
            reporter_name=message.sender_name,
            reporter_email=message.sender if message.channel == Channel.EMAIL else "",
            submission_key=f"channels-{message.pk}",
            source=SOURCE_FOR[message.channel],
            entered_by=actor,
        )
    except cases_actions.CaseInputError as error:
        raise ChannelInputError(error.message) from None
    message.case = case
    message.status = MessageStatus.CASE_CREATED
    message.status_reason = _("Made into a case by %(who)s") % {"who": _who(actor)}
    message.processed_at = message.processed_at or timezone.now()
    message.save()
    acknowledge(message, case)
    return message


def message_reply(*, message: InboundMessage, actor, body: str):
    """Answer on the resident's channel; a message with a case gets a public update too."""
    permissions.require(actor, "channels.answer", message.council)
    with transaction.atomic():
        reply = replies.reply_send(message=message, body=body, actor=actor)
        if message.status in (MessageStatus.TRIAGE, MessageStatus.RATE_LIMITED):
            InboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.ANSWERED)
    return reply
