"""Every hook of core.hookspecs, exercised through the plugin manager and the typed facade
against the shipped ANAF plugin (and its simulator over HTTP) or a small test plugin."""

from __future__ import annotations

import datetime as dt
import inspect
import types
from pathlib import Path

import pytest

from core import hookspecs, providers
from core.errors import ConfigurationError
from core.events import emit
from core.hookspecs import hookimpl
from core.plugins import load_plugins
from core.views import Credentials, ProviderContext, CompanyView, ProviderInfo, SubmissionView

SAMPLE = "cius-ro/examples/ubl/ubl_b2g_example0.xml"


class MemoryCredentials:
    """A credential store held in memory (the core's is the database)."""

    def __init__(self) -> None:
        self.value: Credentials | None = None

    async def load(self) -> Credentials | None:
        return self.value

    async def save(self, credentials: Credentials) -> None:
        self.value = credentials


def _test_plugin(events: list) -> types.ModuleType:
    module = types.ModuleType("hooks_test_plugin")

    @hookimpl
    def storno_register_providers() -> ProviderInfo:
        return ProviderInfo(code="hooks-test", label="Hooks test", country="XX", dialects=("hooks-test",))

    @hookimpl
    def storno_amend_pdf(document, pdf: bytes, xml: bytes) -> bytes:
        return pdf + b"%" + xml[:5]

    @hookimpl
    def storno_register_routes() -> list:
        from litestar import get

        @get("/ping")
        async def ping() -> str:
            return "pong"

        return [ping]

    @hookimpl
    def storno_event(event) -> None:
        events.append(event)

    module.storno_register_providers = storno_register_providers
    module.storno_amend_pdf = storno_amend_pdf
    module.storno_register_routes = storno_register_routes
    module.storno_event = storno_event
    return module


@pytest.fixture
def active(registry):
    providers.activate(registry)
    yield registry


@pytest.fixture
def sandbox(registry):
    from core.sandbox import start_simulators

    servers, settings = start_simulators(registry)
    yield servers[0], settings["anaf"]
    servers[0].stop()


def _parsed(artifacts_dir: Path):
    return providers.parse((artifacts_dir / SAMPLE).read_bytes())


def test_hook_storno_register_providers(registry):
    assert registry.providers["anaf"].country == "RO" and "cius-ro" in registry.providers["anaf"].dialects
    from plugins.anaf import plugin as anaf

    copy = types.ModuleType("anaf_copy")
    copy.storno_register_providers = anaf.storno_register_providers
    with pytest.raises(ConfigurationError, match="anaf"):
        load_plugins(modules=[("anaf", anaf), ("anaf-copy", copy)])
    skipped = load_plugins(modules=[("anaf", anaf)], licensed=["ksef"])
    assert not skipped.providers and skipped.plugins[0].reason == "not covered by the licence"


def test_hook_storno_register_routes():
    events: list = []
    reg = load_plugins(modules=[("hooks-test", _test_plugin(events))])
    providers.activate(reg)
    routes = providers.route_handlers()
    assert [code for code, _ in routes] == ["hooks-test"] and len(routes[0][1]) == 1


def test_hook_storno_render(active, artifacts_dir):
    artefact = providers.render(_parsed(artifacts_dir).document, "cius-ro")
    assert artefact.media_type == "application/xml" and b"CIUS-RO" in artefact.content


def test_hook_storno_validation_pipeline(active):
    assert providers.validation_pipeline("cius-ro").dialect == "cius-ro"
    assert providers.validation_pipeline("en16931-ubl").dialect == "en16931-ubl"
    with pytest.raises(ConfigurationError):
        providers.validation_pipeline("fatturapa")


def test_hook_storno_parse(active, artifacts_dir):
    parsed = _parsed(artifacts_dir)
    assert parsed.provider == "anaf" and parsed.document.invoice_number and parsed.document.lines
    with pytest.raises(ValueError):
        providers.parse(b"<note xmlns='urn:x'/>")


def test_hook_storno_amend_pdf(artifacts_dir, registry):
    providers.activate(registry)
    document = _parsed(artifacts_dir).document
    providers.activate(load_plugins(modules=[("hooks-test", _test_plugin([]))]))
    assert providers.amend_pdf("hooks-test", document, b"%PDF", b"<xml/>") == b"%PDF%<xml/"


def test_hook_storno_event():
    events: list = []
    providers.activate(load_plugins(modules=[("hooks-test", _test_plugin(events))]))
    emit("invoice.issued", "company-1", {"id": "x"})
    assert [e.name for e in events] == ["invoice.issued"] and events[0].company_id == "company-1"


def _submission(settings: dict, credentials: MemoryCredentials, document, external_id=None) -> SubmissionView:
    context = ProviderContext(company=CompanyView(id="c1", cif=document.seller.vat_identifier.removeprefix("RO"), name="Seller", country="RO", vat_payer=True), settings=settings, credentials=credentials)
    return SubmissionView(
        id="s1", provider="anaf", dialect="cius-ro", document_type="invoice", invoice_number=document.invoice_number,
        issue_date=document.issue_date, external_id=external_id, attempts=1, context=context, document=document,
        last_attempt_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30),
    )


async def test_hook_storno_submit(active, sandbox, artifacts_dir):
    sim, settings = sandbox
    document = _parsed(artifacts_dir).document
    receipt = await providers.submit(_submission(settings, MemoryCredentials(), document), providers.render(document, "cius-ro").content)
    assert receipt.external_id.isdigit()


async def test_hook_storno_poll(active, sandbox, artifacts_dir):
    sim, settings = sandbox
    document = _parsed(artifacts_dir).document
    credentials = MemoryCredentials()
    receipt = await providers.submit(_submission(settings, credentials, document), providers.render(document, "cius-ro").content)
    states = []
    for _ in range(6):
        report = await providers.poll(_submission(settings, credentials, document, receipt.external_id))
        states.append(report.provider_state)
        if report.state != "pending":
            break
    assert states[0] == "in prelucrare" and report.state == "accepted" and report.documents


async def test_hook_storno_reconcile(active, sandbox, artifacts_dir):
    import httpx

    sim, settings = sandbox
    document = _parsed(artifacts_dir).document
    credentials = MemoryCredentials()
    httpx.post(f"{sim.base_url}/__sim/faults", json={"endpoint": "upload", "kind": "drop"}).raise_for_status()
    from core.errors import ProviderTimeout, TransientProviderError

    with pytest.raises(ProviderTimeout):
        await providers.submit(_submission(settings, credentials, document), providers.render(document, "cius-ro").content)
    for _ in range(20):
        try:
            found = await providers.reconcile(_submission(settings, credentials, document))
        except TransientProviderError:
            found = None
        if found:
            break
        import asyncio

        await asyncio.sleep(0.5)
    assert found is not None and found.external_id.isdigit()


async def test_hook_storno_fetch_incoming(active, sandbox, artifacts_dir):
    sim, settings = sandbox
    sim.state.load_inbox(artifacts_dir / "cius-ro/examples/ubl")
    document = _parsed(artifacts_dir).document
    context = _submission(settings, MemoryCredentials(), document).context
    batch = await providers.fetch_incoming("anaf", context, None)
    assert batch.messages and all(m.kind == "invoice_received" and m.payload for m in batch.messages)


async def test_hook_storno_lookup_company(active, sandbox):
    sim, settings = sandbox
    record = await providers.lookup_company("RO", "RO18547290", settings)
    assert record is not None and record.cif == "18547290" and record.name == "Demo Appliance SRL"
    assert await providers.lookup_company("RO", "1", settings) is None
    assert await providers.lookup_company("XX", "123") is None  # no provider serves that country


async def test_hook_storno_verify_signature(active, sandbox):
    from core.errors import TransientProviderError
    from plugins.anaf.simulator.zipsig import sign

    sim, settings = sandbox
    content = b"<Invoice>semnat de ANAF</Invoice>"
    signature = sign(content, "4242.xml")  # what the simulator puts beside the invoice in its ZIP
    passed = await providers.verify_signature("anaf", content, signature, settings)
    assert passed is not None and passed.valid is True and "validate cu succes" in passed.message
    tampered = await providers.verify_signature("anaf", content + b" ", signature, settings)
    assert tampered is not None and tampered.valid is False and "NU au putut fi validate" in tampered.message
    asked = [r for r in sim.state.request_log() if r["path"] == "/api/validate/signature"]
    assert len(asked) == 2
    assert await providers.verify_signature("hooks-test", content, signature, settings) is None  # not loaded
    with pytest.raises(TransientProviderError):
        await providers.verify_signature("anaf", content, signature, {**settings, "registry_base_url": "http://127.0.0.1:9"})


@pytest.fixture
def sandbox_settings(sandbox):
    """The facade reads provider settings from :func:`core.providers.use_settings`, as the app sets it."""
    providers.use_settings(lambda code: sandbox[1])
    yield sandbox
    providers.use_settings(None)


def test_hook_storno_authorize_url(active, sandbox_settings):
    import httpx
    from urllib.parse import parse_qs, urlparse

    sim, settings = sandbox_settings
    url = providers.authorize_url("anaf", "opaque-state")
    assert url is not None and url.startswith(f"{sim.base_url}/anaf-oauth2/v1/authorize?")
    answer = httpx.get(url, follow_redirects=False)  # the simulator approves at once
    assert answer.status_code == 302 and parse_qs(urlparse(answer.headers["location"]).query)["state"] == ["opaque-state"]
    assert providers.authorize_url("hooks-test", "s") is None  # not loaded


async def test_hook_storno_exchange_code(active, sandbox_settings):
    import httpx
    from urllib.parse import parse_qs, urlparse

    from core.errors import AuthorizationRequired

    sim, settings = sandbox_settings
    answer = httpx.get(providers.authorize_url("anaf", "s"), follow_redirects=False)
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    credentials = await providers.exchange_code("anaf", code)
    assert credentials.access_token and credentials.refresh_token and credentials.expires_at
    with pytest.raises(AuthorizationRequired):
        await providers.exchange_code("anaf", code)  # a code is good once


async def test_hook_storno_check_access(active, sandbox_settings):
    import httpx

    sim, settings = sandbox_settings
    tokens = httpx.post(f"{sim.base_url}/__sim/tokens", json={}).json()
    credentials = MemoryCredentials()
    credentials.value = Credentials(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])
    context = ProviderContext(company=CompanyView(id="c1", cif="18547290", name="S", country="RO", vat_payer=True), settings=settings, credentials=credentials)
    assert await providers.check_access("anaf", context, "RO18547290") is None
    httpx.post(f"{sim.base_url}/__sim/config", json={"rights": {"SIM-USER-1": ["18547290"]}}).raise_for_status()
    refusal = await providers.check_access("anaf", context, "6859662")
    assert refusal is not None and "Nu aveti drept in SPV pentru CIF=6859662" in refusal
    with pytest.raises(ConfigurationError):
        await providers.check_access("hooks-test", context, "1")


def test_every_hook_has_a_test():
    names = {name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("storno_")}
    tested = {name.removeprefix("test_hook_") for name in globals() if name.startswith("test_hook_")}
    assert names <= tested, f"hooks without a test: {sorted(names - tested)}"
