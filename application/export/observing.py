"""What the export tells whoever watches it: a port, so the application names no metrics library.

The composition root plugs in the Prometheus metrics (infrastructure/metrics.py); tests and
commands that watch nothing keep the silent default.
"""

from __future__ import annotations

from typing import Protocol


class ExportObserver(Protocol):
    def erp_answered(self, connector: str, seconds: float, outcome: str) -> None:
        """One ERP call took `seconds`; `outcome` is "exported" or the failure's reason."""

    def retry_scheduled(self, reason: str) -> None:
        """A transient refusal (or a break) will be tried again later."""

    def export_failed(self, reason: str) -> None:
        """A record lands in Failed to Export for `reason`."""


class Unobserved:
    def erp_answered(self, connector: str, seconds: float, outcome: str) -> None:
        pass

    def retry_scheduled(self, reason: str) -> None:
        pass

    def export_failed(self, reason: str) -> None:
        pass
