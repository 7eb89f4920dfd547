"""The layers only look down, and the domain does no I/O: import-linter's contracts hold."""

from __future__ import annotations

from importlinter.cli import lint_imports


def test_the_import_contracts_of_pyproject_are_kept() -> None:
    assert lint_imports() == 0
