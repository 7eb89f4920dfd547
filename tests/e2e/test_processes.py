"""Every paysync process starts, refuses and stops as an operator expects, output to a file."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import click
import psycopg
import pytest
import typer

from interfaces.cli import app
from tests.e2e.api import wait_for
from tests.e2e.test_command_line import PAYSYNC, answering, environment, free_port
from tests.stores import POSTGRES_URL, fresh_settings

# Far above the five seconds a refusal takes, so a busy machine does not fail the test.
PATIENCE = 30


def started(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([*PAYSYNC, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


def refusal(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PAYSYNC, *args], env=env, capture_output=True, text=True, timeout=PATIENCE, check=False
    )


def port_is_free(port: int) -> bool:
    """Whether a new server could listen there (as servers do, past TIME_WAIT leftovers)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_a_port_in_use_is_one_clear_line_before_anything_says_started(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["serve"], ["erp-sandbox"], ["run", "--sandbox-port", str(free_port())]):
            result = refusal([*command, "--port", str(port)], environment(tmp_path))
            assert result.returncode == 1, result
            assert result.stdout == "", command
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert f"cannot listen on 127.0.0.1:{port}" in lines[0]
            assert "in use" in lines[0]


def test_an_unreachable_database_is_named_with_its_reason_in_one_line(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    env = {
        **environment(tmp_path),
        "PAYSYNC_DATABASE_URL": f"postgresql://payer@127.0.0.1:{closed}/ledger",
    }
    for command in (["worker"], ["serve", "--port", str(free_port())], ["projections"]):
        result = refusal(command, env)
        assert result.returncode == 1, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert f"cannot reach PostgreSQL at payer@127.0.0.1:{closed}/ledger" in lines[0]
        assert "refused" in lines[0].lower()


@pytest.mark.postgres
def test_a_worker_started_while_postgresql_is_full_says_so_and_starts_when_a_slot_frees(
    tmp_path: Path,
) -> None:
    """A role allowed no connections stands in for a server at max_connections (53300)."""
    role = f"paysync_full_{free_port()}"
    log = tmp_path / "worker.log"
    with (
        fresh_settings("postgres", tmp_path) as settings,
        psycopg.connect(POSTGRES_URL, autocommit=True) as admin,
    ):
        schema = str(settings.database_url).split("schema=")[1]
        admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
        worker = None
        try:
            admin.execute(f'GRANT ALL ON SCHEMA "{schema}" TO "{role}"')
            env = {
                **environment(tmp_path / "var"),
                "PAYSYNC_DATABASE_URL": f"postgresql://{role}@127.0.0.1:5432/postgres?schema={schema}",
            }
            worker = started(["worker"], env, log)
            said = wait_for(log.read_text, lambda t: "no connection free" in t, PATIENCE)
            assert "no connection free" in said
            assert worker.poll() is None  # still there, still trying
            admin.execute(f'ALTER ROLE "{role}" CONNECTION LIMIT 10')
            assert "exporting" in wait_for(log.read_text, lambda t: "exporting" in t, PATIENCE)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=PATIENCE) == 0
        finally:
            if worker is not None:
                worker.kill()
                worker.wait()
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_a_worker_writes_to_a_file_as_it_goes_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    worker = started(["worker"], environment(tmp_path / "var"), log)
    try:
        assert "exporting" in wait_for(log.read_text, lambda t: "exporting" in t, PATIENCE)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=PATIENCE) == 0, log.read_text()
    finally:
        worker.kill()
    assert "stopped" in log.read_text()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_paysync_run_stops_its_erp_sandbox_too(tmp_path: Path, stop: int) -> None:
    """Even killed outright (SIGKILL), paysync run leaves no sandbox holding its port."""
    port, sandbox_port = free_port(), free_port()
    log = tmp_path / "run.log"
    run = started(
        ["run", "--port", str(port), "--sandbox-port", str(sandbox_port)],
        environment(tmp_path / "var"),
        log,
    )
    try:
        wait_for(log.read_text, lambda text: "auditor token" in text, timeout=PATIENCE)
        assert answering(f"http://127.0.0.1:{sandbox_port}/sandbox/health")
        assert answering(f"http://127.0.0.1:{port}/healthz")
        access = wait_for(lambda: access_lines(log), bool, timeout=PATIENCE)
        assert access[0]["event"].startswith("GET /healthz 200")
        assert access[0]["level"] == "info"
        assert {"timestamp", "request_id"} <= set(access[0])
        run.send_signal(stop)
        assert run.wait(timeout=PATIENCE) == (-signal.SIGKILL if stop == signal.SIGKILL else 0)
    finally:
        run.kill()
    assert wait_for(lambda: port_is_free(sandbox_port), bool, timeout=PATIENCE)
    assert port_is_free(port)


def test_the_erp_sandbox_says_where_it_serves_even_into_a_file(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "sandbox.log"
    sandbox = started(["erp-sandbox", "--port", str(port)], environment(tmp_path / "var"), log)
    try:
        wait_for(log.read_text, lambda t: f":{port}" in t, PATIENCE)
        assert f"http://127.0.0.1:{port}" in log.read_text()
        sandbox.send_signal(signal.SIGTERM)
        assert sandbox.wait(timeout=PATIENCE) == 0
    finally:
        sandbox.kill()


def access_lines(log: Path) -> list[dict[str, Any]]:
    """The structured access-log lines: one JSON object a line, among the banner's text."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "paysync.access"]


def every_command(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += every_command(sub, (*path, name))
    return found


def test_the_help_of_every_command_describes_every_option() -> None:
    root = typer.main.get_command(app)
    for path in every_command(root):
        command: click.Command = root
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        assert command.help, path
        for param in command.params:
            described = getattr(param, "help", None)
            assert described, f"paysync {' '.join(path)}: {param.name} has no help"


@pytest.mark.parametrize(
    "line",
    [
        "serve --host 127.0.0.1 --port 8000 --no-worker --no-projections",
        "run --host 127.0.0.1 --port 8000 --sandbox-port 8765",
        "token --subject pat --role payments_admin --company acme --ttl-days 1",
        "worker",
        "erp-sandbox --host 127.0.0.1 --port 8765 --data-dir var/erp",
        "audit export --company acme --output history.jsonl",
        "audit verify",
        "projections",
        "projections status",
        "projections rebuild payment_records",
    ],
)
def test_the_documented_command_lines_still_parse(line: str) -> None:
    """Parsed only (nothing runs): the commands and flags of API.md and the README."""
    command: click.Command = typer.main.get_command(app)
    args = line.split()
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command = command.commands[args.pop(0)]
    context = command.make_context(line.split()[0], args)
    assert context.params is not None
