"""`paysync serve --processes N`: N API processes on one port, under one supervisor that an
operator starts and stops as one process."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from infrastructure.tokens import Role, Tokens
from tests.e2e.api import wait_for
from tests.e2e.test_command_line import SIGNING_KEY, answering, environment, free_port
from tests.e2e.test_processes import PATIENCE, port_is_free, started


def api_processes(supervisor: int) -> list[int]:
    """The supervisor's children that serve (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in cmdline(int(pid))]


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def alive(pid: int) -> bool:
    return cmdline(pid) != b""


@contextmanager
def two_api_processes(tmp_path: Path, port: int, *flags: str) -> Iterator[subprocess.Popen[bytes]]:
    """`paysync serve --processes 2` on `port`, stopped at the end with one SIGTERM."""
    supervisor = started(
        ["serve", "--port", str(port), "--processes", "2", *flags],
        environment(tmp_path / "var"),
        tmp_path / "serve.log",
    )
    try:
        yield supervisor
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=PATIENCE) == 0
    finally:
        supervisor.kill()
        supervisor.wait()


def test_two_api_processes_serve_commands_and_stop_with_their_supervisor(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    token = Tokens(SIGNING_KEY).issue("pat", Role.PAYMENTS_ADMIN, "acme")
    with two_api_processes(tmp_path, port) as supervisor:
        assert wait_for(lambda: answering(f"{base}/health"), bool, timeout=PATIENCE)
        servers = wait_for(lambda: api_processes(supervisor.pid), lambda p: len(p) == 2, PATIENCE)
        assert len(servers) == 2

        def open_account(n: int) -> int:
            return httpx.post(
                f"{base}/v1/companies/acme/funding-accounts",
                json={
                    "nickname": f"Account {n}",
                    "bank_id": f"{1000 + n}",
                    "next_check_number": 100,
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=PATIENCE,
            ).status_code

        with ThreadPoolExecutor(8) as pool:  # new connections, spread over both processes
            answers = list(pool.map(open_account, range(24)))
        assert answers == [201] * 24

        def listed() -> list[object]:
            answer = httpx.get(
                f"{base}/v1/companies/acme/funding-accounts?limit=100",
                headers={"Authorization": f"Bearer {token}"},
                timeout=PATIENCE,
            )
            assert answer.status_code == 200
            return list(answer.json()["items"])

        # The read models follow the API processes' saves from the supervisor's process.
        assert len(wait_for(listed, lambda items: len(items) == 24, PATIENCE)) == 24
    assert not any(alive(pid) for pid in servers)
    assert wait_for(lambda: port_is_free(port), bool, timeout=PATIENCE)


def test_an_api_process_that_dies_is_replaced_and_the_port_keeps_answering(
    tmp_path: Path,
) -> None:
    port = free_port()
    with two_api_processes(tmp_path, port, "--no-worker", "--no-projections") as supervisor:
        first = wait_for(lambda: api_processes(supervisor.pid), lambda p: len(p) == 2, PATIENCE)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        replaced = wait_for(
            lambda: api_processes(supervisor.pid),
            lambda p: len(p) == 2 and first[0] not in p,
            PATIENCE,
        )
        assert first[0] not in replaced
        assert len(replaced) == 2
        assert wait_for(lambda: answering(f"http://127.0.0.1:{port}/health"), bool, PATIENCE)
    assert not any(alive(pid) for pid in replaced)
