"""The figures of a fault run, from the JSON each run left, as Markdown for docs/reliability.md.

python -m tests.reliability.figures var/reliability
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main(folder: Path) -> None:
    runs = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
    for run in runs:
        print(f"### {run['run']} ({run['scale']}, finished {run['finished_at']})\n")
        print(f"Machine: {run['machine']}\n")
        for key, value in run.items():
            if key in ("run", "scale", "finished_at", "machine"):
                continue
            print(f"- {key}: {_text(value)}")
        print()


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items()) or "none"
    return str(value)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
