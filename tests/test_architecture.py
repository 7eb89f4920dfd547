"""The layers only look down, and the domain does no I/O: import-linter's contracts hold."""

from __future__ import annotations

import logging

from importlinter.cli import lint_imports


def test_the_import_contracts_of_pyproject_are_kept() -> None:
    loggers = list(logging.Logger.manager.loggerDict.values())
    try:
        assert lint_imports() == 0
    finally:
        # import-linter sets up its logging with dictConfig, which disables every logger that
        # exists by then (paysync's among them) for the rest of the test run.
        for logger in loggers:
            if isinstance(logger, logging.Logger):
                logger.disabled = False
