"""The Litestar app factory and the appliance's start-up sequence.

Start-up, in order (the same in every process kind): licence gate, database (connect, and in
embedded mode migrate), plugins (licensed providers only), services, and in embedded mode the
job workers and scheduler sweep inside this process. Shutdown stops workers before the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Router, get
from litestar.openapi import OpenAPIConfig

from core import providers
from core.api.errors import exception_handlers
from core.db import engine as db
from core.documents.store import DocumentStore
from core.invoicing.service import InvoiceService
from core.mail.outbox import deliver_pending
from core.mail.tables import OutgoingMail
from core.plugins import PluginRegistry, load_plugins
from core.proformas.service import ProformaService
from core.recurring.service import RecurringService
from core.settings import Settings
from core.submissions.service import SubmissionService
from core.submissions.sync import SyncService
from core.submissions.tables import SyncState
from core.worker.runtime import Runtime, make_broker

__all__ = ["create_app", "Services"]

log = logging.getLogger("storno")


class Services:
    """Everything a request or job needs, built once per process (``app.state`` mirrors it)."""

    def __init__(self, settings: Settings, sandbox: dict[str, dict[str, Any]] | None = None) -> None:
        self.settings = settings
        self.sandbox = sandbox or {}
        self.store = DocumentStore(settings.data_dir)
        self.invoices = InvoiceService(self.store)
        self.runtime: Runtime | None = None
        self.submissions = SubmissionService(self.invoices, self.store, enqueue=self.enqueue, provider_settings=self.provider_settings)
        self.sync = SyncService(self.store, provider_settings=self.provider_settings)
        self.recurring = RecurringService(self.invoices)
        self.proformas = ProformaService(self.invoices)
        self.expiry_enqueued_on: dt.date | None = None

    def provider_settings(self, code: str) -> dict[str, Any]:
        """A provider's settings section: environment variables, overridden by the sandbox, plus
        ``licence`` (``development``/``production``, :func:`core.licensing.service.licence_environment`)."""
        from core.licensing.service import licence_environment

        return {**self.settings.provider_settings.get(code, {}), **self.sandbox.get(code, {}), "licence": licence_environment()}

    def enqueue(self, name: str, *args: Any) -> None:
        if self.runtime is not None:
            self.runtime.enqueue(name, *args)

    async def due(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Work due now: submission steps, requested syncs, recurring generations, the daily
        proforma expiry and (with SMTP) the mail outbox."""
        items: list[tuple[str, tuple[Any, ...]]] = [("submission.step", (i,)) for i in await self.submissions.due()]
        now = dt.datetime.now(dt.timezone.utc)
        syncs = await SyncState.select(SyncState.company, SyncState.provider).where(
            SyncState.due_at.is_not_null() & (SyncState.due_at <= now) & (SyncState.status != "running")
        ).run()
        items += [("sync.company", (s["company"], s["provider"])) for s in syncs]
        items += [("recurring.generate", due) for due in await self.recurring.due()]
        if self.expiry_enqueued_on != dt.date.today():  # the scheduler's own note: once a day
            self.expiry_enqueued_on = dt.date.today()
            items.append(("proformas.expire", ()))
        if self.settings.smtp_url and await OutgoingMail.exists().where(OutgoingMail.status == "pending"):
            items.append(("mail.deliver", ()))
        return items

    async def expire_proformas(self) -> None:
        """Job ``proformas.expire`` (objects.md §5.2), enqueued by the sweep once a day and at start;
        idempotent, so a run that failed is made good by the next day's."""
        await self.proformas.expire_overdue(dt.date.today())

    async def deliver_mail(self) -> None:
        """Job ``mail.deliver``: send the outbox's pending messages over SMTP."""
        await deliver_pending(self.settings)

    def make_runtime(self, loop: asyncio.AbstractEventLoop) -> Runtime:
        """The job runtime bound to ``loop`` and the configured broker."""
        self.runtime = Runtime(
            make_broker(self.settings.broker_url),
            loop,
            {"submission.step": self.submissions.step, "sync.company": self.sync.run, "mail.deliver": self.deliver_mail,
             "recurring.generate": self.recurring.run_job, "proformas.expire": self.expire_proformas},
            self.due,
        )
        return self.runtime


async def start_process(settings: Settings, process: str, *, registry: PluginRegistry | None = None, migrate: bool = False) -> PluginRegistry:
    """The start sequence shared by every process: licence gate, encryption key, database
    (stored secrets re-sealed with the current key), plugins.

    Raises :class:`core.errors.LicenseError` or :class:`core.errors.ConfigurationError` (a bad
    encryption key, or stored secrets sealed with a key that is not configured); the caller
    prints it and exits non-zero.
    """
    from license.gate import run_gate

    from core import crypto
    from core.einvoice.service import reseal_configs
    from core.licensing.service import activate as activate_licence
    from core.submissions.credentials import reseal_credentials
    from core.auth.mfa.totp import reseal_secrets as reseal_totp_secrets

    status = run_gate(process, data_dir=settings.data_dir)
    activate_licence(settings.data_dir, status=status)
    crypto.activate(crypto.keyring_for(settings.encryption_key, settings.encryption_old_keys))
    await db.connect(settings)
    if migrate:
        await db.migrate()
    await reseal_credentials()
    await reseal_configs()
    await reseal_totp_secrets()
    if registry is None:
        registry = load_plugins(allow=settings.plugins_allow, licensed=status.claims.providers)
    providers.activate(registry, trace=settings.trace_plugins)
    return registry


def create_app(settings: Settings, *, registry: PluginRegistry | None = None, sandbox: dict[str, dict[str, Any]] | None = None, embedded_workers: bool = True) -> Litestar:
    """Build the web app. ``registry`` (tests) skips entry-point loading; ``sandbox`` overrides
    provider settings (the simulators' URLs); ``embedded_workers`` runs jobs in this process."""
    services = Services(settings, sandbox)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await start_process(settings, "serve", registry=registry, migrate=not settings.is_postgres or settings.development)
        providers.use_settings(services.provider_settings)
        runtime = services.make_runtime(asyncio.get_running_loop())
        app.state.runtime = runtime
        sweeper = None
        if embedded_workers:
            released = await services.submissions.release_leases()
            if released:
                log.info("resuming %d submission(s) interrupted by the last stop", released)
            runtime.start_workers()
            sweeper = asyncio.create_task(runtime.sweep_forever())
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            await asyncio.get_running_loop().run_in_executor(None, runtime.stop)
            await db.disconnect()

    @get("/health", tags=["system"])
    async def health() -> dict[str, str]:
        """Liveness: the process is up."""
        return {"status": "ok"}

    from core.auth.apikeys.controllers import ROUTES as api_key_routes
    from core.auth.controllers import ROUTES as auth_routes
    from core.auth.account_controllers import ROUTES as account_routes
    from core.ratelimit.limiter import build_limiter
    from core.ratelimit.middleware import RateLimitMiddleware
    from core.auth.deps import DEPENDENCIES
    from core.invoicing.controllers import ROUTES as invoice_routes
    from core.invoicing.series import ROUTES as series_routes
    from core.masterdata.controllers import ROUTES as masterdata_routes
    from core.submissions.controllers import ROUTES as submission_routes
    from core.submissions.routes import ROUTES as submission_extra_routes
    from core.documents.controllers import ROUTES as pdf_routes
    from core.proformas.controllers import ROUTES as proforma_routes
    from core.delivery_notes.controllers import ROUTES as delivery_note_routes
    from core.receipts.controllers import ROUTES as receipt_routes
    from core.einvoice.controllers import ROUTES as einvoice_routes
    from core.masterdata.reference import ROUTES as reference_routes
    from core.recurring.controllers import ROUTES as recurring_routes

    route_handlers: list[Any] = [
        health, *auth_routes, *account_routes, *api_key_routes, *masterdata_routes, *reference_routes, *series_routes, *invoice_routes, *submission_routes,
        *submission_extra_routes,
        *pdf_routes, *proforma_routes, *delivery_note_routes, *receipt_routes, *einvoice_routes, *recurring_routes,
    ]
    from core.connections.controllers import ROUTES as connection_routes
    from core.licensing.controllers import ROUTES as licensing_routes

    route_handlers += [*licensing_routes, *connection_routes]
    from core.auth.mfa.controllers import ROUTES as mfa_routes

    route_handlers += mfa_routes
    if registry is not None:  # plugin routes are known only once the plugins are loaded
        providers.activate(registry)
        for code, handlers in providers.route_handlers():
            route_handlers.append(Router(path=f"/plugins/{code}", route_handlers=handlers))

    limiter = build_limiter(settings)
    app = Litestar(
        route_handlers=route_handlers,
        lifespan=[lifespan],
        dependencies=DEPENDENCIES,
        middleware=[RateLimitMiddleware()],
        on_shutdown=[limiter.close],
        exception_handlers=exception_handlers,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Storno appliance API", version="1.0.0", path="/schema"),
        debug=False,
        logging_config=None,  # the process entry point configures logging, not the app factory
    )
    app.state.settings = settings
    app.state.limiter = limiter
    app.state.services = services
    app.state.invoices = services.invoices
    app.state.submissions = services.submissions
    app.state.sync = services.sync
    return app
