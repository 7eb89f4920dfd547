"""Authorizations racing on one funding account from two processes: consecutive numbers."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from infrastructure.settings import Settings
from tests.reliability.harness import COMPANY, REPOSITORY_ROOT, Books, store_env
from tests.reliability.scale import SCALE, record_figures


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
