"""Each status word is spelled once, in its domain enum; everything else names the member."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from interfaces.web.vocabulary import VOCABULARIES

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("domain", "application", "infrastructure", "interfaces")
SCRIPTS = ROOT / "interfaces" / "web" / "static"
QUOTED = re.compile(r"""(["'])([a-z_]+)\1""")
# Words in the scripts that are spelled like a status and are not one.
NOT_STATUSES = {("reports.js", "exported")}  # the latency report's count of exported records
# The ERP sandbox plays someone else's ERP: its words are QuickBooks', not paysync's.
OUTSIDE_PAYSYNC = ("infrastructure/erp_sandbox/",)


def status_words() -> set[str]:
    return {member.value for enum in VOCABULARIES for member in enum}


def literals_outside_enums(source: str) -> list[tuple[int, str]]:
    """The string constants of `source` that are not a member's value in an enum class."""
    tree = ast.parse(source)
    in_enum: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id.endswith("Enum") for base in node.bases
        ):
            in_enum.update(id(child) for child in ast.walk(node))
        if isinstance(node, ast.Dict):  # a key names a field ("deactivated": ...), not a status
            in_enum.update(id(key) for key in node.keys if key is not None)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in in_enum
    ]


def status_literals_in_code() -> list[str]:
    words = status_words()
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(OUTSIDE_PAYSYNC):
                continue
            for line, value in literals_outside_enums(path.read_text()):
                if value in words:
                    found.append(f"{relative}:{line}: {value!r}")
    return found


def status_literals_in_scripts() -> list[str]:
    """Status words the pages' scripts spell, which should name vocabulary.js's members."""
    words = status_words()
    found = []
    for path in sorted(SCRIPTS.glob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line.lstrip().startswith(("//", "/*", "*")):
                continue
            for quoted in QUOTED.finditer(line):
                word = quoted.group(2)
                if word in words and (path.name, word) not in NOT_STATUSES:
                    found.append(f"{path.name}:{number}: {word!r}")
    return found


def test_no_status_word_is_spelled_outside_its_enum() -> None:
    assert status_literals_in_code() == []


def test_the_pages_scripts_name_statuses_by_the_enums_they_are_written_from() -> None:
    assert status_literals_in_scripts() == []


def test_the_scan_finds_a_status_word_written_as_a_literal() -> None:
    source = (
        "class ExportStatus(StrEnum):\n"
        "    PENDING = 'pending'\n"
        "def f(state):\n"
        "    state.export_status = 'pending'\n"
    )
    assert literals_outside_enums(source) == [(4, "pending")]
