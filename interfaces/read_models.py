"""The read models of one paysync: their live views, a follower keeping each current, rebuilds."""

from __future__ import annotations

from collections.abc import Callable

from application.following import Follower, Wakeup
from application.payments.payments import Payments
from application.read_models.check_register import CheckRegisterView
from application.read_models.directory import DirectoryView
from application.read_models.export_latency import ExportLatencyView
from application.read_models.payment_records import PaymentRecordsView
from application.read_models.payments_overview import PaymentsOverviewView
from application.read_models.read_model import ReadModel
from application.read_models.rebuild import Progress, Rebuild
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings


class ReadModels:
    def __init__(
        self, settings: Settings, payments: Payments, wakeup: Callable[[], Wakeup]
    ) -> None:
        self.settings = settings
        self.payments = payments
        self.views: dict[str, ReadModel] = {}
        try:
            for name, kind in READ_MODELS.items():
                self.views[name] = kind.open(settings)
        except BaseException:
            self.close()
            raise
        self.followers = {
            name: Follower(
                payments,
                READ_MODELS[name].projection(view),
                poll_seconds=settings.follower_poll_seconds,
                wakeup=wakeup(),
            )
            for name, view in self.views.items()
        }

    @property
    def payment_records(self) -> PaymentRecordsView:
        view = self.views["payment_records"]
        assert isinstance(view, PaymentRecordsView)
        return view

    @property
    def payments_overview(self) -> PaymentsOverviewView:
        view = self.views["payments_overview"]
        assert isinstance(view, PaymentsOverviewView)
        return view

    @property
    def check_register(self) -> CheckRegisterView:
        view = self.views["check_register"]
        assert isinstance(view, CheckRegisterView)
        return view

    @property
    def export_latency(self) -> ExportLatencyView:
        view = self.views["export_latency"]
        assert isinstance(view, ExportLatencyView)
        return view

    @property
    def directory(self) -> DirectoryView:
        view = self.views["directory"]
        assert isinstance(view, DirectoryView)
        return view

    def catch_up(self) -> dict[str, int]:
        """Bring every view to the end of the log, here and now; events applied per view."""
        return {name: follower.catch_up() for name, follower in self.followers.items()}

    def positions(self) -> dict[str, int]:
        return {name: follower.position for name, follower in self.followers.items()}

    def rebuild(self, name: str, progress: Progress = lambda position, end: None) -> int:
        """Rebuild one read model from the whole log and swap it in; events applied."""
        kind = READ_MODELS[name]
        scratch = kind.open(self.settings, scratch=True)
        try:
            return Rebuild(
                self.payments, kind.projection, self.views[name], scratch, progress=progress
            ).run()
        finally:
            scratch.close()

    def close(self) -> None:
        for view in self.views.values():
            view.close()
