"""`python -m infrastructure.erp_sandbox --port 8765 --data-dir DIR [--host 127.0.0.1]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from infrastructure.erp_sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m infrastructure.erp_sandbox",
        description="A stand-in for the ERPs, with its own storage, for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, default=Path("var/erp_sandbox"))
    arguments = parser.parse_args(argv)
    serve(arguments.host, arguments.port, arguments.data_dir)


if __name__ == "__main__":
    main()
