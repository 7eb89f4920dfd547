"""Stored topics that name a module's former place: each still resolves, to where it lives now.

The library stores every event and snapshot with its class's topic, `module:QualName`, and
resolves it again on each load. The aggregates of application/ moved into its rooms
(docs/adr/0063), so the events stored before name modules that are gone; registering each
former module with the library makes every `former.module:Class.Event` resolve to the class
in its new module. The package imports this before anything else of it, so no application can
read an event before the registration. The paths below are spelled as they were stored: never
edit them.
"""

from __future__ import annotations

from types import ModuleType

from eventsourcing.utils import register_topic

from application.payments import idempotency, invoice_numbers, snapshots

FORMER_MODULES: dict[str, ModuleType] = {
    "application.invoice_numbers": invoice_numbers,
    "application.idempotency": idempotency,
    "application.snapshots": snapshots,
}


def register_former_topics() -> None:
    for former, module in FORMER_MODULES.items():
        register_topic(former, module)
