"""A small client for the GOV.UK Pay API v1 (https://docs.payments.service.gov.uk/).

Only what Pocket Council uses: create a payment, read its status and events, refund it, search
payments for reconciliation, and check a webhook's ``Pay-Signature``. The API key is passed in
by the caller and never put into an exception, a log line or ``repr``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import requests

TIMEOUT_SECONDS = 10


class PayError(RuntimeError):
    """GOV.UK Pay could not be reached or refused the request. ``retryable`` says whether
    trying again later may work (network trouble, 5xx, 429)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


@dataclass(frozen=True)
class PayState:
    """What GOV.UK Pay says about one payment."""

    payment_id: str
    status: str
    finished: bool
    amount: int
    reference: str
    next_url: str
    code: str = ""
    message: str = ""
    refund_available: int = 0

    @classmethod
    def from_json(cls, body: dict) -> PayState:
        state = body.get("state") or {}
        links = body.get("_links") or {}
        refund = body.get("refund_summary") or {}
        return cls(
            payment_id=body["payment_id"],
            status=state.get("status", ""),
            finished=bool(state.get("finished")),
            amount=int(body.get("amount", 0)),
            reference=body.get("reference", ""),
            next_url=((links.get("next_url") or {}).get("href")) or "",
            code=state.get("code", ""),
            message=state.get("message", ""),
            refund_available=int(refund.get("amount_available", 0) or 0),
        )


def signature_valid(*, body: bytes, signature: str, secret: str) -> bool:
    """Whether ``signature`` (the Pay-Signature header) is the HMAC-SHA256 of the raw body
    with the webhook signing secret, compared in constant time."""
    if not signature or not secret:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


class GovUkPay:
    def __init__(self, *, base_url: str, api_key: str, session: requests.Session | None = None):
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._session = session or requests.Session()

    def __repr__(self):
        return f"<GovUkPay {self._base}>"

    def _call(self, method: str, path: str, *, json=None, params=None, headers=None) -> dict:
        all_headers = {
            "Authorization": f"Bearer {self._key}",
            "Accept": "application/json",
            **(headers or {}),
        }
        try:
            response = self._session.request(
                method,
                self._base + path,
                json=json,
                params=params,
                headers=all_headers,
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise PayError(f"GOV.UK Pay could not be reached ({type(error).__name__})") from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise PayError(
                f"GOV.UK Pay answered {response.status_code}: {body.get('description', '')}"[:300],
                status=response.status_code,
                code=str(body.get("code", "")),
            )
        if response.status_code == 204 or not response.content:
            return {}
        return response.json()

    def create_payment(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        idempotency_key: str,
        language: str = "en",
        metadata: dict | None = None,
    ) -> PayState:
        body = {
            "amount": amount,
            "reference": reference,
            "description": description,
            "return_url": return_url,
            "language": language,
        }
        if metadata:
            body["metadata"] = metadata
        return PayState.from_json(
            self._call(
                "POST", "/v1/payments", json=body, headers={"Idempotency-Key": idempotency_key}
            )
        )

    def get_payment(self, payment_id: str) -> PayState:
        return PayState.from_json(self._call("GET", f"/v1/payments/{payment_id}"))

    def get_events(self, payment_id: str) -> list[dict]:
        return self._call("GET", f"/v1/payments/{payment_id}/events").get("events", [])

    def cancel_payment(self, payment_id: str) -> None:
        self._call("POST", f"/v1/payments/{payment_id}/cancel")

    def refund(self, payment_id: str, *, amount: int, refund_amount_available: int) -> dict:
        """Ask for a refund. ``refund_amount_available`` is what we believe is still
        refundable: GOV.UK Pay refuses (412) if it disagrees, so two staff cannot refund the
        same money twice."""
        return self._call(
            "POST",
            f"/v1/payments/{payment_id}/refunds",
            json={"amount": amount, "refund_amount_available": refund_amount_available},
        )

    def get_refund(self, payment_id: str, refund_id: str) -> dict:
        return self._call("GET", f"/v1/payments/{payment_id}/refunds/{refund_id}")

    def search_payments(self, *, from_date: str, to_date: str, page: int = 1) -> dict:
        return self._call(
            "GET",
            "/v1/payments",
            params={"from_date": from_date, "to_date": to_date, "page": page, "display_size": 500},
        )
