"""Racing on one thing from several processes: authorizations on one funding account get
consecutive numbers; fixes of one failed record let exactly one win (the others 412 or 409)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx

from infrastructure.settings import Settings
from infrastructure.tokens import Role, Tokens
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.reliability.harness import (
    API_PROCESSES,
    BANK_ID,
    COMPANY,
    REPOSITORY_ROOT,
    Books,
    Processes,
    Servers,
    store_env,
)
from tests.reliability.scale import SCALE, record_figures

RACING_FIXES = 10


def test_authorizations_racing_from_two_processes_get_distinct_consecutive_check_numbers(
    settings: Settings, books: Books, backend: str
) -> None:
    drafts = [books.drafted(1) for _ in range(SCALE.racing_authorizations)]
    start_at = time.time() + 4  # both processes are up by then, and wait for the moment
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.authorize_all", str(start_at),
             *[str(d) for d in half]],
            env=store_env(settings),
            cwd=REPOSITORY_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in (drafts[0::2], drafts[1::2])
    ]  # fmt: skip
    answers = [racer.communicate(timeout=120) for racer in racers]

    assert [racer.returncode for racer in racers] == [0, 0], [err for _, err in answers]
    numbers = [n for out, _ in answers for ns in json.loads(out).values() for n in ns]
    account = books.payments.funding_account(COMPANY, books.account)
    record_figures(
        f"contention-{backend}",
        {
            "backend": backend,
            "authorizations": len(drafts),
            "processes": 2,
            "threads_per_process": 4,
            "distinct_numbers": len(set(numbers)),
            "lowest": min(numbers),
            "highest": max(numbers),
            "next_check_number_after": account.next_check_number,
        },
    )
    assert sorted(numbers) == list(range(10000, 10000 + SCALE.racing_authorizations))
    assert account.next_check_number == 10000 + SCALE.racing_authorizations


def test_fixes_of_one_failed_record_racing_through_the_api_processes_let_exactly_one_win(
    settings: Settings,
    books: Books,
    processes: Processes,
    erp_sandbox: ErpSandbox,
    backend: str,
) -> None:
    erp_sandbox.add_check(BANK_ID, "10000")  # the account's first check is used in the ERP
    disbursement = books.authorized(1)
    books.fund(disbursement)
    processes.start("worker")
    outcomes = books.settle(timeout=60)
    assert outcomes.failures == {"check_number_in_use": 1}, outcomes
    (payment,) = books.payments.disbursement(COMPANY, disbursement).payments
    servers = Servers(processes)
    urls = [servers.start() for _ in range(API_PROCESSES[backend])]
    token = Tokens(settings.signing_key).issue(
        "ann", Role.ACCOUNTING_APPROVER, COMPANY, timedelta(hours=1)
    )
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/v1/companies/{COMPANY}/disbursements/{disbursement}"
    seen = httpx.get(f"{urls[0]}{path}", headers=headers).headers["etag"]

    def fix(n: int) -> httpx.Response:
        return httpx.patch(
            f"{urls[n % len(urls)]}{path}/payments/{payment.id}",
            json={"check_number": 20000 + n},
            headers={**headers, "If-Match": seen},
            timeout=30,
        )

    with ThreadPoolExecutor(RACING_FIXES) as pool:
        answers = list(pool.map(fix, range(RACING_FIXES)))
    statuses = Counter(answer.status_code for answer in answers)
    winners = [n for n, answer in enumerate(answers) if answer.status_code == 200]
    (now,) = books.payments.disbursement(COMPANY, disbursement).payments
    record_figures(
        f"concurrent-fixes-{backend}",
        {
            "backend": backend,
            "api_processes": len(urls),
            "racing_fixes": RACING_FIXES,
            "answers": {str(status): count for status, count in statuses.items()},
            "check_number_after": int(now.check_number or 0),
        },
    )
    assert len(winners) == 1, [answer.text for answer in answers]
    assert set(statuses) <= {200, 409, 412}, [answer.text for answer in answers]
    assert now.check_number == 20000 + winners[0]
