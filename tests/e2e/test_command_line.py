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
import pytest

from infrastructure.settings import DEVELOPMENT_SIGNING_KEY
from tests.e2e.api import wait_for

PAYSYNC = [sys.executable, "-m", "interfaces.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SIGNING_KEY = "a-deployment-signing-key-nobody-else-knows-0123"
AUDIT_KEYS = "2026-12:an-audit-chain-key-kept-apart-from-tokens-4567"


def environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A deployment's environment: its own signing key and audit chain key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSYNC_")}
    return {
        **env,
        "PAYSYNC_DATA_DIR": str(data_dir),
        "PAYSYNC_SIGNING_KEY": SIGNING_KEY,
        "PAYSYNC_AUDIT_KEYS": AUDIT_KEYS,
        **overrides,
    }


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


def refusal(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PAYSYNC, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["worker"],
        ["projections"],
        ["token", "--subject", "x", "--role", "auditor", "--company", "acme"],
    ],
)
def test_paysync_refuses_to_start_with_the_public_development_key_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    env = environment(tmp_path / "var")
    del env["PAYSYNC_SIGNING_KEY"]
    answer = refusal(command, env)
    assert answer.returncode == 2
    assert answer.stdout == ""
    assert answer.stderr.count("\n") == 1, answer.stderr
    assert "public development key" in answer.stderr
    assert DEVELOPMENT_SIGNING_KEY not in answer.stderr


def test_a_short_key_is_refused_without_printing_it(tmp_path: Path) -> None:
    short = "hunter2-short-key"
    answer = refusal(["serve"], environment(tmp_path / "var", PAYSYNC_SIGNING_KEY=short))
    assert answer.returncode == 2
    assert answer.stderr.strip() == (
        "paysync: PAYSYNC_SIGNING_KEY is too short: it needs 32 characters or more"
    )
    assert short not in answer.stderr


@pytest.mark.parametrize(
    ("audit_keys", "words"),
    [
        (None, "PAYSYNC_AUDIT_KEYS is not set"),
        ("no-colon-here-but-long-enough-to-be-a-key", "is not id:key"),
        ("k1:too-short", "key k1 is too short"),
        (f"k1:{SIGNING_KEY}", "key k1 is the signing key"),
    ],
)
def test_the_audit_chain_needs_a_key_of_its_own(
    tmp_path: Path, audit_keys: str | None, words: str
) -> None:
    env = environment(tmp_path / "var")
    if audit_keys is None:
        del env["PAYSYNC_AUDIT_KEYS"]
    else:
        env["PAYSYNC_AUDIT_KEYS"] = audit_keys
    answer = refusal(["serve"], env)
    assert answer.returncode == 2
    assert words in answer.stderr
    assert SIGNING_KEY not in answer.stderr
    assert "too-short" not in answer.stderr


def test_a_setting_that_is_not_valid_is_one_line_without_its_value(tmp_path: Path) -> None:
    secret_url = "mysql://admin:s3cret-password@db/paysync"
    env = environment(tmp_path / "var", PAYSYNC_DATABASE_URL=secret_url)
    answer = refusal(["serve"], env)
    assert answer.returncode == 2
    assert "PAYSYNC_DATABASE_URL" in answer.stderr
    assert "s3cret-password" not in answer.stderr
    assert answer.stderr.count("\n") == 1, answer.stderr
