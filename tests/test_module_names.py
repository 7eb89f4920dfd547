"""Each module names its one concern; two modules of one name say how they are the same concept."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("domain", "application", "infrastructure", "interfaces")


def modules() -> list[Path]:
    return [
        path
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        if path.name != "__init__.py"
    ]


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text())) or ""


def test_every_module_opens_with_a_docstring_naming_its_concern() -> None:
    assert [p.relative_to(ROOT).as_posix() for p in modules() if not docstring(p)] == []


def test_modules_of_one_name_name_each_other_as_the_same_concept() -> None:
    by_name: dict[str, list[Path]] = defaultdict(list)
    for path in modules():
        by_name[path.name].append(path)
    silent = []
    for paths in by_name.values():
        for path in paths:
            others = [p.relative_to(ROOT).as_posix() for p in paths if p != path]
            text = docstring(path)
            if others and not any(other in text or other[:-3] in text for other in others):
                silent.append(path.relative_to(ROOT).as_posix())
    assert silent == []
