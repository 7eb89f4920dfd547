"""Runs the sandbox ERP in this process, under uvicorn, until it is stopped."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from infrastructure.erp_sandbox.app import create_app

# A request held back by a `timeout` fault may still be asleep when the sandbox is asked to
# stop; a test double has no business keeping its caller waiting for it.
GRACEFUL_SHUTDOWN_SECONDS = 1


def serve(host: str, port: int, data_dir: Path) -> None:
    uvicorn.run(
        create_app(data_dir),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
