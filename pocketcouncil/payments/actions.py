"""Every write to payments. GOV.UK Pay is the truth about money; these functions record what it
says, once, and tell the transaction the payment was for (``purposes``).

Exactly once, in short (docs/payments.md has the long version):

- one live attempt per thing paid for: starting again while an attempt is open reuses it, or
  cancels it at GOV.UK Pay first, so a double click or the back button never makes two charges;
- every attempt has an ``Idempotency-Key`` sent to GOV.UK Pay, so a retried create (after a
  timeout or a crash) returns the same payment, never a second one;
- a final state is applied under a row lock and only once (``fulfilled_at``), whether it arrives
  by webhook, by the resident coming back, or by reconciliation, in any order, any number of times;
- reconciliation asks GOV.UK Pay about every payment left open, so a resident who never comes
  back still gets their booking (or their held slot is released).
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import crypto, purposes
from pocketcouncil.payments.govuk_pay import GovUkPay, PayError, PayState, signature_valid
from pocketcouncil.payments.models import (
    FINISHED_STATUSES,
    PayAccount,
    Payment,
    PaymentEvent,
    PaymentEventKind,
    PaymentStatus,
    Refund,
    RefundStatus,
)

log = logging.getLogger(__name__)

# Reconciliation leaves a payment alone for this long (the resident may still be on the card
# page), then asks GOV.UK Pay; GOV.UK Pay itself expires unfinished payments after 90 minutes.
RECONCILE_AFTER = timedelta(minutes=15)


class PaymentsInputError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PaymentNotConfiguredError(PaymentsInputError):
    """The council has not connected a GOV.UK Pay account."""


class PaymentUnavailableError(PaymentsInputError):
    """GOV.UK Pay could not be reached or refused: try again later. Nothing was charged."""


class PaymentInProgressError(PaymentsInputError):
    """An earlier attempt is being authorised by the card issuer: wait for it."""


class WebhookSignatureError(ValueError):
    pass


# --- the council's account -----------------------------------------------------------------------


@transaction.atomic
def pay_account_set(
    *, council: Council, actor, api_key: str, webhook_secret: str = "", base_url: str = ""
) -> PayAccount:
    """Save (or replace) a council's GOV.UK Pay API key and webhook signing secret.

    A blank ``webhook_secret`` keeps the one saved before. Keys are stored encrypted; only the
    last four characters are kept readable, to tell keys apart."""
    permissions.require(actor, "payments.manage", council)
    api_key = (api_key or "").strip()
    webhook_secret = (webhook_secret or "").strip()
    if len(api_key) < 20 or any(c.isspace() for c in api_key):
        raise PaymentsInputError(
            _("Enter the API key exactly as GOV.UK Pay showed it"), field="api_key"
        )
    account = PayAccount.objects.filter(council=council).first() or PayAccount(council=council)
    if not webhook_secret and not account.webhook_secret_encrypted:
        raise PaymentsInputError(
            _("Enter the webhook signing secret from GOV.UK Pay"), field="webhook_secret"
        )
    account.api_key_encrypted = crypto.encrypt(api_key)
    account.api_key_hint = crypto.hint(api_key)
    account.is_live = api_key.startswith("api_live_")
    if webhook_secret:
        account.webhook_secret_encrypted = crypto.encrypt(webhook_secret)
        account.webhook_secret_hint = crypto.hint(webhook_secret)
    if base_url:
        account.base_url = base_url.rstrip("/")
    account.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    account.save()
    log.info("GOV.UK Pay key for council %s replaced (key %s)", council.pk, account.api_key_hint)
    return account


def _client(council_id: int) -> GovUkPay:
    account = PayAccount.objects.filter(council_id=council_id).first()
    if account is None:
        raise PaymentNotConfiguredError(
            _("This council cannot take payments online yet. Contact the council to pay.")
        )
    factory = getattr(settings, "PAYMENTS_CLIENT_FACTORY", None)
    if factory:  # tests may swap the transport; never the key handling
        return factory(account)
    return GovUkPay(base_url=account.base_url, api_key=crypto.decrypt(account.api_key_encrypted))


# --- starting a payment --------------------------------------------------------------------------


def _event(payment: Payment, kind: str, *, actor=None, **fields) -> PaymentEvent:
    return PaymentEvent.objects.create(
        council_id=payment.council_id,
        payment=payment,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )


def _reference(council: Council) -> str:
    return f"{council.case_reference_prefix}-P-{secrets.token_hex(5).upper()}"


def return_url(payment: Payment) -> str:
    return settings.POCKETCOUNCIL_SITE_URL + reverse("payments:return", args=[payment.return_token])


def payment_start(
    *,
    council: Council,
    purpose: str,
    subject_key: str,
    amount: int,
    description: str,
    actor,
    resident=None,
    case=None,
    vat_amount: int = 0,
    income_code: str = "",
    language: str = "en",
) -> Payment:
    """Start (or resume) paying for one thing. Returns a payment with a ``next_url`` to send the
    resident to, or an already paid one (then send them to the result).

    Raises ``PaymentInProgressError`` while an earlier attempt is with the card issuer, and
    ``PaymentUnavailableError`` if GOV.UK Pay cannot be reached (nothing is charged; pressing
    the button again resumes the same attempt with the same idempotency key)."""
    if amount <= 0:
        raise PaymentsInputError(_("There is nothing to pay"))
    client = _client(council.pk)
    payment = _current_attempt(purpose=purpose, subject_key=subject_key)
    if payment is not None and payment.status in (PaymentStatus.CREATED, PaymentStatus.STARTED):
        # The back button or a second click: ask GOV.UK Pay where that attempt is.
        payment = payment_sync(payment=payment, source="resume")
        if payment.status == PaymentStatus.CREATED and payment.next_url:
            return payment
        if payment.status == PaymentStatus.STARTED:
            # Its card page was opened and its link used: cancel it before making a new one,
            # so two card pages for one thing can never both take money.
            try:
                client.cancel_payment(payment.pay_id)
            except PayError as error:
                raise PaymentUnavailableError(
                    _(
                        "We could not reach the payment service. Nothing has been charged. "
                        "Try again in a few minutes."
                    )
                ) from error
            payment = payment_sync(payment=payment, source="resume")
    if payment is not None and payment.status in (
        PaymentStatus.SUBMITTED,
        PaymentStatus.CAPTURABLE,
        PaymentStatus.STARTED,
    ):
        raise PaymentInProgressError(
            _("Your card payment is still being processed. Wait a minute, then check again.")
        )
    if payment is not None and payment.status == PaymentStatus.SUCCESS:
        return payment
    if payment is None or payment.status in FINISHED_STATUSES:
        payment = _attempt_create(
            council=council,
            purpose=purpose,
            subject_key=subject_key,
            amount=amount,
            vat_amount=vat_amount,
            income_code=income_code,
            description=description,
            resident=resident,
            case=case,
            actor=actor,
        )
    if payment.status == PaymentStatus.NEW:
        payment = _send_to_pay(payment, client=client, language=language)
    return payment


def _current_attempt(*, purpose: str, subject_key: str) -> Payment | None:
    """The newest attempt, preferring a paid one (there is at most one of those)."""
    attempts = Payment.objects.filter(purpose=purpose, subject_key=subject_key)
    return (
        attempts.filter(status=PaymentStatus.SUCCESS).first()
        or attempts.order_by("-created_at", "-pk").first()
    )


def _attempt_create(*, council, purpose, subject_key, actor, **fields) -> Payment:
    number = Payment.objects.filter(purpose=purpose, subject_key=subject_key).count() + 1
    key = f"{council.pk}-{purpose}-{subject_key}-{number}"
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                council=council,
                purpose=purpose,
                subject_key=subject_key,
                reference=_reference(council),
                idempotency_key=key,
                return_token=secrets.token_urlsafe(32),
                **fields,
            )
            _event(payment, PaymentEventKind.CREATED, actor=actor, to_status=payment.status)
            return payment
    except IntegrityError:
        # Two clicks raced: the other one made this attempt.
        return Payment.objects.get(idempotency_key=key)


def _send_to_pay(payment: Payment, *, client: GovUkPay, language: str = "en") -> Payment:
    try:
        state = client.create_payment(
            amount=payment.amount,
            reference=payment.reference,
            description=payment.description,
            return_url=return_url(payment),
            idempotency_key=payment.idempotency_key,
            language=language,
            metadata={"purpose": payment.purpose},
        )
    except PayError as error:
        log.warning("GOV.UK Pay create failed for %s: %s", payment.reference, error)
        raise PaymentUnavailableError(
            _(
                "We could not reach the payment service. Nothing has been charged. "
                "Try again in a few minutes."
            )
        ) from error
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.pay_id is None:
            payment.pay_id = state.payment_id
            payment.next_url = state.next_url
            payment.save(update_fields=["pay_id", "next_url", "updated_at"])
    return payment_record_status(payment=payment, state=state, source="create")


# --- recording what GOV.UK Pay says --------------------------------------------------------------


def payment_sync(*, payment: Payment, source: str, actor=None) -> Payment:
    """Ask GOV.UK Pay for the payment's state and record it. Raises nothing if GOV.UK Pay is
    unreachable: the payment stays as it was, for the next look."""
    if payment.pay_id is None or payment.is_finished:
        return payment
    try:
        state = _client(payment.council_id).get_payment(payment.pay_id)
    except PayError as error:
        log.warning("GOV.UK Pay status failed for %s: %s", payment.reference, error)
        return payment
    return payment_record_status(payment=payment, state=state, source=source, actor=actor)


@transaction.atomic
def payment_record_status(
    *, payment: Payment, state: PayState, source: str, actor=None, message_id: str | None = None
) -> Payment:
    """Record a state reported by GOV.UK Pay. Safe to call any number of times, in any order:
    a message already seen is ignored, a finished payment never changes, and the thing paid
    for is told once."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if message_id and PaymentEvent.objects.filter(message_id=message_id).exists():
        return payment
    if state.payment_id != payment.pay_id or state.amount != payment.amount:
        _event(
            payment,
            PaymentEventKind.STATUS,
            note="GOV.UK Pay reported a different payment or amount; ignored.",
            data={"source": source, "pay_id": state.payment_id, "amount": state.amount},
            message_id=message_id,
        )
        log.error("Payment %s: GOV.UK Pay state does not match; ignored", payment.reference)
        return payment
    before = payment.status
    changed = not payment.is_finished and state.status in PaymentStatus.values
    changed = changed and state.status != before and state.status != PaymentStatus.NEW
    if changed:
        payment.status = state.status
        if state.status in FINISHED_STATUSES:
            payment.finished_at = timezone.now()
            payment.failure_code = state.code
            payment.failure_message = state.message[:255]
            payment.next_url = ""
        elif state.next_url and not payment.next_url:
            payment.next_url = state.next_url
    payment.last_checked_at = timezone.now()
    payment.save()
    kind = PaymentEventKind.WEBHOOK if message_id else PaymentEventKind.STATUS
    if changed or message_id:
        _event(
            payment,
            kind,
            actor=actor,
            from_status=before,
            to_status=payment.status,
            data={"source": source, "code": state.code},
            message_id=message_id,
        )
    if payment.is_finished and payment.fulfilled_at is None:
        payment.fulfilled_at = timezone.now()
        payment.save(update_fields=["fulfilled_at", "updated_at"])
        handler = purposes.handler_for(payment.purpose)
        if payment.is_paid:
            handler.on_paid(payment)
            _event(payment, PaymentEventKind.FULFILLED, data={"source": source})
        else:
            handler.on_unpaid(payment)
            _event(payment, PaymentEventKind.RELEASED, data={"source": source})
        payment.refresh_from_db()  # the handler may have refunded it
    return payment


def webhook_receive(*, council_slug: str, body: bytes, signature: str) -> Payment | None:
    """A webhook from GOV.UK Pay. Raises ``WebhookSignatureError`` unless ``Pay-Signature``
    is right for that council's secret. Returns None for a payment we do not know (another
    service on the same account)."""
    account = (
        PayAccount.objects.select_related("council").filter(council__slug=council_slug).first()
    )
    if account is None or not account.webhook_secret_encrypted:
        raise WebhookSignatureError("no account")
    secret = crypto.decrypt(account.webhook_secret_encrypted)
    if not signature_valid(body=body, signature=signature, secret=secret):
        raise WebhookSignatureError("bad signature")
    try:
        message = json.loads(body)
        resource = message["resource"]
        message_id = str(message["webhook_message_id"])[:64]
        state = PayState.from_json(resource)
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookSignatureError("malformed") from error
    if message.get("resource_type", "payment") != "payment":
        return None
    payment = Payment.objects.filter(council=account.council, pay_id=state.payment_id).first()
    if payment is None:
        return None
    return payment_record_status(
        payment=payment, state=state, source="webhook", message_id=message_id
    )


def payment_returned(*, payment: Payment) -> Payment:
    """The resident came back from GOV.UK Pay: the return address proves nothing, so ask."""
    with transaction.atomic():
        _event(payment, PaymentEventKind.RETURNED)
    return payment_sync(payment=payment, source="return")


# --- refunds -------------------------------------------------------------------------------------


class RefundNotPossibleError(PaymentsInputError):
    pass


def payment_refund(*, payment: Payment, amount: int, reason: str, actor) -> Refund:
    """A member of staff refunds some or all of a payment, with a reason (audited)."""
    permissions.require(actor, "payments.refund", payment)
    reason = (reason or "").strip()
    if not reason:
        raise PaymentsInputError(_("Say why you are refunding"), field="reason")
    return _refund(payment=payment, amount=amount, reason=reason, actor=actor)


def payment_refund_by_rule(*, payment: Payment, amount: int, reason: str) -> Refund | None:
    """A refund the council's rules give (a cancellation before the cut-off). Called by the
    transaction's own action; no staff permission needed. Nothing to refund gives None."""
    amount = min(amount, payment.refundable_amount)
    if amount <= 0:
        return None
    return _refund(payment=payment, amount=amount, reason=reason, actor=None)


@transaction.atomic
def _refund(*, payment: Payment, amount: int, reason: str, actor) -> Refund:
    # The row lock makes two refunds of one payment queue up; GOV.UK Pay's own check of
    # refund_amount_available refuses one that would go over even if this lock were bypassed.
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if not payment.is_paid:
        raise RefundNotPossibleError(_("Only a payment that was taken can be refunded"))
    if not isinstance(amount, int) or amount <= 0:
        raise PaymentsInputError(_("Enter an amount to refund"), field="amount")
    if amount > payment.refundable_amount:
        raise PaymentsInputError(
            _("You can refund up to £%(max)s") % {"max": pounds(payment.refundable_amount)},
            field="amount",
        )
    try:
        answer = _client(payment.council_id).refund(
            payment.pay_id, amount=amount, refund_amount_available=payment.refundable_amount
        )
    except PayError as error:
        log.warning("GOV.UK Pay refund failed for %s: %s", payment.reference, error)
        if error.status == 412:
            raise RefundNotPossibleError(
                _("GOV.UK Pay says part of this payment was already refunded. Reload the page.")
            ) from error
        raise PaymentUnavailableError(
            _("GOV.UK Pay did not accept the refund. Nothing was refunded. Try again later.")
        ) from error
    status = answer.get("status", "submitted")
    refund = Refund.objects.create(
        council_id=payment.council_id,
        payment=payment,
        amount=amount,
        reason=reason,
        status=status if status in RefundStatus.values else RefundStatus.SUBMITTED,
        pay_refund_id=answer.get("refund_id", ""),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount", "updated_at"])
    _event(
        payment,
        PaymentEventKind.REFUND,
        actor=actor,
        note=reason,
        data={"amount": amount, "refund_id": refund.pay_refund_id},
    )
    return refund


def refund_sync(*, refund: Refund) -> Refund:
    if refund.status != RefundStatus.SUBMITTED or not refund.pay_refund_id:
        return refund
    try:
        answer = _client(refund.council_id).get_refund(refund.payment.pay_id, refund.pay_refund_id)
    except PayError:
        return refund
    if answer.get("status") in (RefundStatus.SUCCESS, RefundStatus.ERROR):
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.SUBMITTED).update(
            status=answer["status"], updated_at=timezone.now()
        )
        refund.refresh_from_db()
    return refund


# --- reconciliation ------------------------------------------------------------------------------


def payments_reconcile(*, older_than: timedelta = RECONCILE_AFTER, limit: int = 500) -> dict:
    """Ask GOV.UK Pay about every payment left open for longer than ``older_than``: the resident
    who closed the tab on the card page, a webhook that never came, a crash between creating
    the payment at GOV.UK Pay and saving its id. Safe to run any number of times."""
    cutoff = timezone.now() - older_than
    open_payments = Payment.objects.filter(
        created_at__lt=cutoff,
        status__in=[s for s in PaymentStatus.values if s not in FINISHED_STATUSES],
    ).order_by("created_at")[:limit]
    report = {"checked": 0, "settled": 0, "unreachable": 0}
    for payment in open_payments:
        report["checked"] += 1
        try:
            client = _client(payment.council_id)
            if payment.status == PaymentStatus.NEW:
                # Re-sending with the same idempotency key finds the payment GOV.UK Pay made
                # (if it made one) instead of making another.
                payment = _send_to_pay(payment, client=client)
            else:
                payment = payment_sync(payment=payment, source="reconcile")
        except PaymentsInputError:
            report["unreachable"] += 1
            continue
        if payment.is_finished:
            report["settled"] += 1
            with transaction.atomic():
                _event(payment, PaymentEventKind.RECONCILED, to_status=payment.status)
    report["released"] = sum(
        handler.release_stale() for handler in purposes.HANDLERS.values() if handler.release_stale
    )
    for refund in Refund.objects.filter(status=RefundStatus.SUBMITTED, created_at__lt=cutoff)[
        :limit
    ]:
        refund_sync(refund=refund)
    return report


def pounds(pence: int) -> str:
    return f"{pence / 100:,.2f}"
