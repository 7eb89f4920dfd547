"""Lifecycle commands over HTTP, 32 connections, SQLite (issue 10, figure 5).

paysync: `paysync serve` in its own process (as deployed: uvloop, httptools, no access-log
write per request), and again with `--processes 2` (an API process per core), approves
invoices, POST /v1/companies/{c}/invoices/{id}/approve, from 32 keep-alive connections.
Baseline: the same command in-process (Payments.approve_invoice from 8 threads) on the same
store, in the same run. The load generator is Debian's `wrk` (C, two threads, a Lua script
handing each request the next invoice) when installed, else a few lines of asyncio on raw
sockets; its ceiling is measured the same way, on GET /health.

Beside them, the framework's own ceiling for a command: the same approvals through a bare
FastAPI app, one sync route and nothing else (no middleware, no token), called in-process as
ASGI from 32 concurrent tasks with paysync's route threads (`http_threads`, 8). No network
and no paysync HTTP code: what FastAPI's thread per sync route costs a command here.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from shutil import which
from typing import Any, TypeVar
from uuid import UUID

import uvloop
from anyio import to_thread
from fastapi import FastAPI

from application.payments.payments import Payments
from bench.harness import Figure, received_invoice
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from infrastructure.tokens import Role, Tokens

T = TypeVar("T")

COMPANY = "bench"
CONNECTIONS = 32


def invoices(payments: Payments, count: int) -> list[UUID]:
    ids, pending = [], []
    for n in range(count):
        invoice = received_invoice(COMPANY, n)
        ids.append(invoice.id)
        pending.append(invoice)
        if len(pending) >= 500:
            payments.save(*pending)
            pending = []
    payments.save(*pending)
    return ids


async def load(port: int, paths: list[str], method: str, token: str) -> tuple[float, list[float]]:
    """Send every path once over CONNECTIONS keep-alive connections: (requests/s, latencies)."""
    queue = list(reversed(paths))
    latencies: list[float] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                path = queue.pop()
                started = time.perf_counter()
                writer.write(
                    f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}"
                    "\r\nContent-Length: 0\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                assert status < 300, f"{method} {path} answered {status}"
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    return len(paths) / (time.perf_counter() - started), latencies


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 1
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) next_index = id; step = tonumber(os.getenv("BENCH_THREADS")) end
function request()
  local path = paths[next_index] or paths[1]
  next_index = next_index + step
  return wrk.format(os.getenv("BENCH_METHOD"), path, {
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"), ["Content-Length"] = "0"})
end
function done(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(99.0), summary.errors.status))
end
"""
WRK_THREADS = 2


def wrk(
    port: int, paths: list[str], method: str, token: str, seconds: float
) -> tuple[float, float]:
    """(requests/s, p99 ms) from wrk for `seconds`; `paths` must outlast them."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "paths").write_text("\n".join(paths))
        Path(tmp, "load.lua").write_text(WRK_SCRIPT)
        env = {
            **os.environ,
            "BENCH_PATHS": str(Path(tmp, "paths")),
            "BENCH_METHOD": method,
            "BENCH_TOKEN": token,
            "BENCH_THREADS": str(WRK_THREADS),
        }
        out = subprocess.run(
            [
                "wrk",
                f"-t{WRK_THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "-s",
                str(Path(tmp, "load.lua")),
                f"http://127.0.0.1:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, micros, p99_micros, bad = (int(v) for v in line.split()[1:])
    assert method == "GET" or requests <= len(paths), "wrk ran out of invoices: give it more"
    assert bad == 0, f"{bad} requests were refused"
    return requests / (micros / 1e6), p99_micros / 1000


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def on_own_loop(coroutine: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
    """Runs the load on an event loop of its own thread: the caller's thread may already run
    one (a test session's browser driver does), and asyncio.run refuses to nest. uvloop, as
    the server's."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: uvloop.run(coroutine(*args))).result()


def serve(settings: Settings, port: int, processes: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAYSYNC_DATA_DIR": str(settings.data_dir),
        # The benchmark's own throwaway store: a development run, signing with the bench's key.
        "PAYSYNC_DEVELOPMENT": "true",
        "PAYSYNC_SIGNING_KEY": settings.signing_key,
    }
    paysync = Path(sys.executable).with_name("paysync")
    server = subprocess.Popen(
        [
            *(str(paysync), "serve", "--port", str(port), "--no-worker", "--no-projections"),
            *("--processes", str(processes)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("paysync serve did not start")


# One API process, as `paysync serve` starts by default, and one per core (ADR 0057).
PROCESSES = (1, 2)


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    if backend != "sqlite":
        return []  # the issue's figure is on the embedded default
    payments = Payments(event_store_env(settings))
    batches = [invoices(payments, size) for _ in range((len(PROCESSES) + 2) * repeats)]
    token = Tokens(settings.signing_key).issue("alice.approver", Role.ACCOUNTING_APPROVER, COMPANY)
    rates, latencies = {}, {}
    for processes in PROCESSES:
        served = "" if processes == 1 else f", {processes} API processes"
        rates[processes] = Figure(
            f"approve_invoice over HTTP, {CONNECTIONS} connections{served}",
            "/s",
            ">= 0.6x in-process",
            baseline_name="in-process, 8 threads",
        )
        latencies[processes] = Figure(
            f"p99 latency over HTTP, {CONNECTIONS} connections{served}",
            "ms",
            "< 100 ms",
            baseline_name="in-process p99, 8 threads",
        )
    framework = Figure(
        f"approve_invoice through a bare FastAPI sync route, in-process ASGI, {CONNECTIONS} tasks",
        "/s",
        "(none: the framework's own ceiling)",
        baseline_name="in-process, 8 threads",
    )
    ceiling = Figure(
        "the load generator's ceiling: GET /health",
        "/s",
        "well above the commands' rate",
        baseline_name="approve_invoice over HTTP",
    )
    ports = {processes: free_port() for processes in PROCESSES}
    servers = [serve(settings, ports[processes], processes) for processes in PROCESSES]
    seconds = max(1, size // 1500)
    batch = iter(batches)
    try:
        for _ in range(repeats):
            if which("wrk") and size >= 1500:
                health, _ = wrk(ports[1], ["/health"] * size, "GET", token, seconds)
            else:
                health, _ = on_own_loop(load, ports[1], ["/health"] * size, "GET", token)
            for processes in PROCESSES:
                paths = [f"/v1/companies/{COMPANY}/invoices/{i}/approve" for i in next(batch)]
                if which("wrk") and size >= 1500:
                    over_http, over_http_p99 = wrk(ports[processes], paths, "POST", token, seconds)
                else:
                    over_http, answered = on_own_loop(load, ports[processes], paths, "POST", token)
                    over_http_p99 = p99(answered)
                rates[processes].paysync.append(over_http)
                latencies[processes].paysync.append(over_http_p99)
            in_process, local_latencies = approvals(payments, next(batch)[: size // 2])
            for processes in PROCESSES:
                rates[processes].baseline.append(in_process)
                latencies[processes].baseline.append(p99(local_latencies))
            ids = next(batch)[: size // 2]
            framework.paysync.append(on_own_loop(bare_route, payments, ids, settings.http_threads))
            framework.baseline.append(in_process)
            ceiling.paysync.append(health)
            ceiling.baseline.append(rates[1].paysync[-1])
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        payments.close()
    figures = [figure for p in PROCESSES for figure in (rates[p], latencies[p])]
    return [*figures, framework, ceiling]


def approvals(payments: Payments, ids: list[UUID]) -> tuple[float, list[float]]:
    latencies: list[float] = []

    def approve(invoice_id: UUID) -> None:
        started = time.perf_counter()
        payments.approve_invoice(COMPANY, invoice_id, "alice.approver")
        latencies.append((time.perf_counter() - started) * 1000)

    with ThreadPoolExecutor(max_workers=8) as pool:
        started = time.perf_counter()
        list(pool.map(approve, ids))
        return len(ids) / (time.perf_counter() - started), latencies


async def bare_route(payments: Payments, ids: list[UUID], threads: int) -> float:
    """Approvals/s through a FastAPI app of one sync route, as ASGI calls from CONNECTIONS
    concurrent tasks: FastAPI runs the route on one of `threads` threads, as paysync's."""
    app = FastAPI()

    @app.post("/invoices/{invoice_id}/approve")
    def approve(invoice_id: UUID) -> dict[str, bool]:
        payments.approve_invoice(COMPANY, invoice_id, "alice.approver")
        return {"ok": True}

    to_thread.current_default_thread_limiter().total_tokens = threads
    queue = [f"/invoices/{i}/approve" for i in reversed(ids)]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def caller() -> None:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        while queue:
            path = queue.pop()
            sent.clear()
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                "query_string": b"", "root_path": "", "headers": [(b"host", b"bench")],
                "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
            }  # fmt: skip
            await app(scope, receive, send)
            assert sent[0]["status"] == 200, sent

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CONNECTIONS)))
    return len(ids) / (time.perf_counter() - started)
