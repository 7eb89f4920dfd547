"""Commands sent to paysync's HTTP API by several threads while processes die around them.

A command counts as acknowledged only when the API answered 201 with the new record's id:
that is the promise a client holds, and every such id must be in the store at the end.
"""

from __future__ import annotations

import itertools
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import httpx

from infrastructure.settings import Settings
from infrastructure.tokens import Tokens
from tests.reliability.harness import COMPANY, VENDOR


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base_url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


class CommandLoad:
    """Threads receiving invoices through whichever API servers `servers()` names."""

    def __init__(self, settings: Settings, servers: Callable[[], list[str]], threads: int = 4):
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
                sent = time.monotonic()
                answer = self._send(client, dice.choice(servers))
                with self.lock:
                    self.answers[answer] += 1
                    self.timeline.append((sent, time.monotonic(), answer))

    def _send(self, client: httpx.Client, base_url: str) -> str:
        body = {
            "invoice_number": f"L-{next(self.numbers)}",
            "vendor_id": "v-42",
            "vendor_name": "Rebar Co",
            "erp_vendor_id": VENDOR,
            "project": "Tower A",
            "amount_due": "10.00",
        }
        try:
            response = client.post(
                f"{base_url}/v1/companies/{COMPANY}/invoices", json=body, headers=self.headers
            )
        except httpx.HTTPError:
            time.sleep(0.02)  # a dead server refuses at once: do not spin
            return "no answer"
        if response.status_code == 201:
            with self.lock:
                self.acknowledged.append(response.json()["id"])
        else:
            time.sleep(0.02)
        return str(response.status_code)
