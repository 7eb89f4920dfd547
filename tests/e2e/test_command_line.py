"""The `paysync` command line as scripts and deployments use it: real processes, real ports."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.e2e.api import wait_for

PAYSYNC = [sys.executable, "-m", "interfaces.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSYNC_")}
    return {**env, "PAYSYNC_DATA_DIR": str(data_dir)}


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen([*PAYSYNC, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def answering(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_paysync_serve_accepts_a_token_printed_by_paysync_token(tmp_path: Path) -> None:
    env = environment(tmp_path / "var")
    token = subprocess.run(
        [*PAYSYNC, "token", "--subject", "pat", "--role", "payments_admin", "--company", "acme"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    with running(["serve", "--port", str(port)], env, tmp_path / "serve.log"):
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: answering(f"{base}/health"), bool, timeout=20)
        created = httpx.post(
            f"{base}/v1/companies/acme/funding-accounts",
            json={"nickname": "Operating", "bank_id": "1001", "next_check_number": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert created.status_code == 201, created.text
    assert (tmp_path / "var" / "paysync.sqlite3").exists()


def test_paysync_run_serves_a_demo_company_and_prints_a_working_url_and_token(
    tmp_path: Path,
) -> None:
    port, sandbox_port = free_port(), free_port()
    log = tmp_path / "run.log"
    args = ["run", "--port", str(port), "--sandbox-port", str(sandbox_port)]
    with running(args, environment(tmp_path / "var"), log):
        printed = wait_for(log.read_text, lambda text: "auditor token" in text, timeout=30)
        url = re.search(r"paysync is running at (\S+)", printed)
        token = re.search(r"payments admin token:\s+(\S+)", printed)
        assert url, printed
        assert token, printed
        assert wait_for(lambda: answering(f"{url[1]}/health"), bool, timeout=20)
        settings = httpx.get(
            f"{url[1]}/v1/companies/demo/erp-settings",
            headers={"Authorization": f"Bearer {token[1]}"},
        )
    assert settings.status_code == 200
    assert settings.json()["connector"] == "quickbooks_online"
