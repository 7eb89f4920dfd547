"""Commands sent to paysync's HTTP API by several threads while processes die around them.

A command counts as acknowledged only when the API answered 201 with the new record's id:
that is the promise a client holds, and every such id must be in the store at the end.

With `retry_lost_answers`, each command carries an Idempotency-Key and is sent again, with
the same key and body, whenever its answer is lost (no answer, or 5xx), as a careful client
does; `retried` then says how each such command ended, for the exactly-once check.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from eventsourcing.application import AggregateNotFoundError

from application.payments.invoice_numbers import InvoiceNumber
from application.payments.payments import Payments
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from infrastructure.tokens import Tokens
from tests.reliability.harness import COMPANY, VENDOR

RETRY_FOR_SECONDS = 30.0  # how long a client keeps sending a command whose answer was lost


@dataclass(frozen=True)
class Retried:
    """A command sent more than once under one Idempotency-Key, and how it ended."""

    invoice_number: str
    sends: int
    status: str  # the last answer: "201", "409" (took effect, answer not kept), or other
    invoice_id: str | None  # the id in the last 201
    detail: str  # the problem's words, when the last answer was one
    answers: tuple[tuple[float, str], ...]  # (seconds since the first send, answer) of each


class CommandLoad:
    """Threads receiving invoices through whichever API servers `servers()` names."""

    def __init__(
        self,
        settings: Settings,
        servers: Callable[[], list[str]],
        threads: int = 4,
        retry_lost_answers: bool = False,
    ):
        token = Tokens(settings.signing_key).issue(
            "load", "payments_admin", COMPANY, timedelta(days=1)
        )
        self.headers = {"Authorization": f"Bearer {token}"}
        self.servers = servers
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.answers: Counter[str] = Counter()
        self.timeline: list[tuple[float, float, str]] = []  # sent, answered, answer
        self.numbers = itertools.count()
        self.retry_lost_answers = retry_lost_answers
        self.retried: list[Retried] = []

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _run(self, n: int) -> None:
        dice = random.Random(n)
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                servers = self.servers()
                if not servers:
                    time.sleep(0.05)
                    continue
                if self.retry_lost_answers:
                    self._send_until_answered(client, dice)
                else:
                    self._timed(client, dice.choice(servers), self._body(), {})

    def _send_until_answered(self, client: httpx.Client, dice: random.Random) -> None:
        body = self._body()
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = time.monotonic()
        deadline = first + RETRY_FOR_SECONDS
        sends: list[tuple[float, str]] = []
        while True:
            servers = self.servers()
            if not servers:
                time.sleep(0.05)
                continue
            answer, response = self._timed(client, dice.choice(servers), body, key)
            sends.append((round(time.monotonic() - first, 2), answer))
            lost = answer == "no answer" or answer.startswith("5")
            if not lost or time.monotonic() > deadline:
                break
        if len(sends) > 1:
            said = response.json() if response is not None else {}
            retried = Retried(
                body["invoice_number"],
                len(sends),
                answer,
                said.get("id"),
                str(said.get("detail", "")),
                tuple(sends),
            )
            with self.lock:
                self.retried.append(retried)

    def _timed(
        self, client: httpx.Client, base_url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[str, httpx.Response | None]:
        sent = time.monotonic()
        answer, response = self._send(client, base_url, body, headers)
        with self.lock:
            self.answers[answer] += 1
            self.timeline.append((sent, time.monotonic(), answer))
        return answer, response

    def _body(self) -> dict[str, Any]:
        return {
            "invoice_number": f"L-{next(self.numbers)}",
            "vendor_id": "v-42",
            "vendor_name": "Rebar Co",
            "erp_vendor_id": VENDOR,
            "project": "Tower A",
            "amount_due": "10.00",
        }

    def _send(
        self, client: httpx.Client, base_url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[str, httpx.Response | None]:
        try:
            response = client.post(
                f"{base_url}/v1/companies/{COMPANY}/invoices",
                json=body,
                headers={**self.headers, **headers},
            )
        except httpx.HTTPError:
            time.sleep(0.02)  # a dead server refuses at once: do not spin
            return "no answer", None
        if response.status_code == 201:
            with self.lock:
                self.acknowledged.append(response.json()["id"])
        else:
            time.sleep(0.02)
        return str(response.status_code), response


def effects_of_retries(settings: Settings, retried: list[Retried]) -> Counter[str]:
    """How each command sent again under its Idempotency-Key stands in the store.

    The vendor's invoice number is unique (an index aggregate saved with the invoice), so the
    store holds the command's invoice once or not at all; what counts is that the client was
    given that one: its id in a 201 (first or replayed), or told the request took effect.
    """
    payments = Payments(event_store_env(settings))
    effects: Counter[str] = Counter()
    try:
        for command in retried:
            number_id = InvoiceNumber.id_for(COMPANY, "v-42", command.invoice_number)
            try:
                stored: str | None = str(payments.repository.get(number_id).invoice_id)
            except AggregateNotFoundError:
                stored = None
            effects[_effect(command, stored)] += 1
    finally:
        payments.close()
    return effects


def _effect(command: Retried, stored: str | None) -> str:
    if command.status == "201":
        return "one effect, its id answered" if command.invoice_id == stored else "two effects"
    if command.status == "409" and "took effect" in command.detail:
        return "one effect, told it took effect" if stored else "told of an effect not stored"
    if command.status == "409":
        return "refused as a second effect"  # the key was not honoured
    return "given up by the client" if stored is None else "stored, client gave up"
