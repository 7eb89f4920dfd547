"""Encryption at rest: with a cipher key, the stored events hold no Bank ID or vendor name."""

from __future__ import annotations

import base64
import os

import pytest

from application.payments.payments import Payments
from infrastructure.keys import UnsafeSettings, check_keys
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from tests.stored_rows import StoredRows

BANK_ID = "BANK-7731-SECRET"
VENDOR = "Quiet Vendor Holdings"


def record_secrets(settings: Settings) -> Payments:
    payments = Payments(event_store_env(settings))
    payments.open_funding_account(
        "acme", nickname="Operating", bank_id=BANK_ID, next_check_number=100, actor="ann"
    )
    payments.receive_invoice(
        "acme", actor="intake", invoice_number="INV-1", vendor_id="v-1", vendor_name=VENDOR,
        erp_vendor_id="V1", project="Tower A", amount_due="10.00",
    )  # fmt: skip
    return payments


def raw_payloads(settings: Settings) -> bytes:
    rows = StoredRows(settings)
    return b"".join(rows.row(i)["state"] for i in rows.ids())


def test_with_a_cipher_key_no_bank_id_or_vendor_name_is_stored_in_the_clear(
    settings: Settings,
) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    encrypted = settings.model_copy(update={"cipher_key": key})
    payments = record_secrets(encrypted)
    try:
        stored = raw_payloads(encrypted)
        assert stored
        assert BANK_ID.encode() not in stored
        assert VENDOR.encode() not in stored
        assert b"acme" not in stored
        # ...and paysync reads its own history back as written.
        (invoice,) = [
            n for n in payments.recorder.select_notifications(1, 100) if "Invoice" in n.topic
        ][:1]
        assert payments.repository.get(invoice.originator_id).vendor_name == VENDOR
    finally:
        payments.close()


def test_without_a_key_the_same_history_is_readable_in_the_table(settings: Settings) -> None:
    # The control: the raw read above would see the secrets if they were there.
    record_secrets(settings).close()
    stored = raw_payloads(settings)
    assert BANK_ID.encode() in stored
    assert VENDOR.encode() in stored


@pytest.mark.parametrize("key", ["short", base64.b64encode(b"x" * 20).decode(), "not base64!"])
def test_a_cipher_key_that_is_not_an_aes_key_is_refused_at_start(
    settings: Settings, key: str
) -> None:
    with pytest.raises(UnsafeSettings, match="PAYSYNC_CIPHER_KEY") as refused:
        check_keys(settings.model_copy(update={"cipher_key": key}))
    assert key not in str(refused.value)
