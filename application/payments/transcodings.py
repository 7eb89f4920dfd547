"""How the values events carry are stored: a transcoding per domain value the library lacks.

Registered on every application (see CompanyScopedApplication.register_transcodings), so an
event holds its typed values in memory and a readable JSON object in the store. A value's
`name` is written into each stored event that holds one: never rename it.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.invoice_payment import IssuedCheck, PaymentLine


class PaymentLineAsDict(Transcoding):
    type = PaymentLine
    name = "payment_line"

    def encode(self, obj: PaymentLine) -> dict[str, Any]:
        return dict(obj.__dict__)

    def decode(self, data: dict[str, Any]) -> PaymentLine:
        return PaymentLine(**data)


class IssuedCheckAsPair(Transcoding):
    type = IssuedCheck
    name = "issued_check"

    def encode(self, obj: IssuedCheck) -> list[Any]:
        return [obj.payment_id, obj.check_number]

    def decode(self, data: list[Any]) -> IssuedCheck:
        payment_id, check_number = data
        return IssuedCheck(payment_id, check_number)


TRANSCODINGS: tuple[Transcoding, ...] = (PaymentLineAsDict(), IssuedCheckAsPair())


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    for transcoding in TRANSCODINGS:
        transcoder.register(transcoding)
