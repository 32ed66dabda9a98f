"""The ANAF transport client against the loopback simulator, over real HTTP.

Organised by the acceptance checklist of ../shared/providers/anaf.md §7.9 (items 1–8), then the
remaining behaviours (OAuth flow, firewall pages, throttling, inbox). The client's clock is the
simulator's clock, as both would follow NTP in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import io
import zipfile

import httpx
import pytest

from core.errors import (
    AuthorizationRequired,
    PermanentProviderError,
    ProviderTimeout,
    TransientProviderError,
)
from core.views import Credentials
from plugins.anaf.quota import next_local_midnight
from plugins.anaf.transport import AnafTransport
from tests.plugins.anaf.anaf_sim import (
    BUYER,
    SAMPLES,
    SELLER,
    MemoryStore,
    control,
    http,
    issue_credentials,
    rest_calls,
    settings_for,
    ubl,
)

UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def fresh(sim):
    control(sim, "POST", "reset")
    yield


@pytest.fixture
def store(sim):
    return MemoryStore(issue_credentials(sim))


@pytest.fixture
async def client(sim, store):
    async with AnafTransport(settings_for(sim), store, now=sim.state.clock.now) as transport:
        yield transport


def make_client(sim, store, **overrides):
    return AnafTransport(settings_for(sim, **overrides), store, now=sim.state.clock.now)


def uploads(sim):
    return control(sim, "GET", "uploads")


# --- 1. never re-upload after a timeout without finding the upload first ------------------------


async def test_dropped_upload_answer_is_timeout_and_reconcile_finds_it_without_reuploading(sim, client):
    since = client.now()
    control(sim, "POST", "faults", {"endpoint": "upload", "kind": "drop"})
    with pytest.raises(ProviderTimeout):
        await client.upload(ubl("FX-1"), cif=f"RO{SELLER}")
    [recorded] = uploads(sim)  # ANAF processed it although the answer was lost
    control(sim, "POST", "clock", {"advance": 120})  # ANAF processes it; it shows up in the list
    receipt = await client.reconcile(SELLER, "FX-1", dt.date(2024, 5, 1), since)
    assert receipt is not None and receipt.external_id == recorded["index_incarcare"]
    assert len(rest_calls(sim, "upload")) == 1


async def test_slow_upload_answer_is_timeout(sim, store):
    control(sim, "POST", "faults", {"endpoint": "upload", "kind": "delay", "delay_ms": 600})
    async with make_client(sim, store, upload_read_timeout=0.2) as client:
        with pytest.raises(ProviderTimeout):
            await client.upload(ubl("FX-2"), cif=SELLER)
    assert len(uploads(sim)) == 1


async def test_reconcile_skips_other_documents_and_excluded_uploads(sim, store):
    async with make_client(sim, store, reconcile_settle_seconds=0) as client:
        since = client.now()
        await client.upload(ubl("FX-OTHER"), cif=SELLER)
        mine = await client.upload(ubl("FX-MINE"), cif=SELLER)
        control(sim, "POST", "clock", {"advance": 120})
        found = await client.reconcile(SELLER, "FX-MINE", dt.date(2024, 5, 1), since)
        assert found is not None and found.external_id == mine.external_id
        assert await client.reconcile(SELLER, "FX-MINE", dt.date(2024, 5, 2), since) is None
        excluded = frozenset({mine.external_id})
        assert (
            await client.reconcile(SELLER, "FX-MINE", dt.date(2024, 5, 1), since, exclude_upload_ids=excluded) is None
        )


async def test_reconcile_not_found_is_transient_while_young_then_none(sim, store):
    async with make_client(sim, store, reconcile_settle_seconds=600) as client:
        since = client.now()
        with pytest.raises(TransientProviderError) as young:
            await client.reconcile(SELLER, "NEVER-SENT", dt.date(2024, 5, 1), since)
        assert young.value.retry_at == since + dt.timedelta(seconds=600)
        control(sim, "POST", "clock", {"advance": 601})
        assert await client.reconcile(SELLER, "NEVER-SENT", dt.date(2024, 5, 1), since) is None


async def test_reconcile_finds_a_rejected_upload_when_the_report_names_it(sim, client):
    since = client.now()
    control(sim, "POST", "scripts", {"outcome": "nok", "errors": ["Factura SIM-E-1: [BR-RO-010] lipsa"]})
    sent = await client.upload(ubl("SIM-E-1"), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    found = await client.reconcile(SELLER, "SIM-E-1", dt.date(2024, 5, 1), since)
    assert found is not None and found.external_id == sent.external_id


# --- 2. Errors children are errors, with ANAF's texts -------------------------------------------


async def test_door_refusal_surfaces_the_romanian_text(sim, client):
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["111"]}})
    with pytest.raises(PermanentProviderError) as refused:
        await client.upload(ubl("D-1"), cif=SELLER)
    assert refused.value.messages == (f"Nu aveti drept in SPV pentru CIF={SELLER}",)
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": []}})
    with pytest.raises(PermanentProviderError) as nothing:
        await client.upload(ubl("D-1"), cif=SELLER)
    assert nothing.value.messages == ("Nu exista niciun CIF pentru care sa aveti drept in SPV",)


async def test_unknown_root_is_refused_at_the_door_with_the_sax_text(client):
    bad = b'<Invoice1 xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    with pytest.raises(PermanentProviderError) as refused:
        await client.upload(bad, cif=SELLER, standard="UBL")
    [text] = refused.value.messages
    assert text.startswith("Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: 1;")
    assert "cvc-elt.1.a: Cannot find the declaration of element 'Invoice1'." in text


async def test_stare_errors_child_is_an_error_never_pending(client):
    with pytest.raises(PermanentProviderError) as unknown:
        await client.stare_mesaj("5999999999")
    assert unknown.value.messages == ("Nu exista factura cu id_incarcare= 5999999999",)
    with pytest.raises(PermanentProviderError) as not_number:
        await client.stare_mesaj("abc")
    assert not_number.value.messages == ("Id_incarcare introdus= abc nu este un numar intreg",)


async def test_stare_for_another_companys_upload_is_a_rights_error(sim, client):
    receipt = await client.upload(ubl("R-1"), cif=SELLER)
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["111"]}})
    with pytest.raises(PermanentProviderError) as denied:
        await client.stare_mesaj(receipt.external_id)
    assert denied.value.messages == (f"Nu aveti dreptul de inteorgare pentru id_incarcare= {receipt.external_id}",)


# --- 3. all four stare values -------------------------------------------------------------------


async def test_in_prelucrare_then_ok_with_signed_zip(client):
    receipt = await client.upload(ubl("OK-1"), cif=SELLER)
    assert len(receipt.external_id) == 10 and receipt.accepted_at.tzinfo is not None
    for attempt in range(2):
        pending = await client.poll(receipt.external_id, attempt=attempt)
        assert (pending.state, pending.provider_state) == ("pending", "in prelucrare")
        assert pending.next_poll_after == client.settings.poll_delay(attempt)
    done = await client.poll(receipt.external_id, attempt=2)
    assert (done.state, done.provider_state) == ("accepted", "ok")
    zip_name = f"{done.download_id}.zip"
    assert done.documents[zip_name].startswith(b"PK\x03\x04")
    assert done.documents[f"{receipt.external_id}.xml"] == ubl("OK-1")
    assert f"semnatura_{receipt.external_id}.xml" in done.documents


async def test_nok_carries_the_error_report_messages(sim, client):
    receipt = await client.upload(ubl("SIM-NOK-1"), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    report = await client.poll(receipt.external_id)
    assert (report.state, report.provider_state) == ("rejected", "nok")
    assert report.messages and report.messages[0].startswith("E: validari globale  SCHEMATRON   eroare: [BR-CO-15]")


async def test_xml_cu_erori_nepreluat_is_terminal_with_nothing_to_download(sim, client):
    receipt = await client.upload(ubl("SIM-XMLERR-1"), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    report = await client.poll(receipt.external_id)
    assert (report.state, report.provider_state) == ("rejected", "XML cu erori nepreluat de sistem")
    assert report.download_id is None and report.documents == {}
    assert rest_calls(sim, "descarcare") == []


async def test_duplicate_of_an_accepted_invoice_ends_nok(sim, client):
    first = await client.upload(ubl("DUP-1"), cif=SELLER)
    second = await client.upload(ubl("DUP-1"), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    assert (await client.poll(first.external_id)).state == "accepted"
    rejected = await client.poll(second.external_id)
    assert rejected.state == "rejected"
    assert rejected.messages[0].startswith(f"Factura a mai fost transmisa anterior cu index={first.external_id}")


# --- 4. standard, flags, CIF --------------------------------------------------------------------


async def test_credit_note_goes_as_cn_with_ro_stripped_and_flags(sim, client):
    await client.upload(ubl("CN-1", root="CreditNote"), cif=f"RO {SELLER}", extern=True, autofactura=True)
    [call] = rest_calls(sim, "upload")
    assert call["query"] == {"standard": "CN", "cif": SELLER, "extern": "DA", "autofactura": "DA"}
    assert call["headers"]["authorization"].startswith("Bearer ")


async def test_non_numeric_cif_is_refused_locally(sim, client):
    with pytest.raises(PermanentProviderError):
        await client.upload(ubl("X-1"), cif="RO12A")
    assert rest_calls(sim, "upload") == []


# --- 5. lists: empty, pagination switch, 60 days ------------------------------------------------


async def test_no_messages_is_an_empty_list(client):
    assert await client.list_messages(SELLER, days=5) == ()
    now_ms = int(client.now().timestamp() * 1000)
    assert await client.list_messages(SELLER, start_ms=now_ms - 3_600_000, end_ms=now_ms) == ()


async def test_more_than_500_messages_switches_to_the_paginated_endpoint(sim, client):
    from plugins.anaf.simulator.processing import inject_message

    now = sim.state.clock.now()
    for n in range(503):
        inject_message(sim.state, content=ubl(f"P-{n}"), cif=SELLER, created_at=now - dt.timedelta(minutes=n + 1))
    messages = await client.list_messages(SELLER, days=90)
    assert len(messages) == 503 and len({m.id for m in messages}) == 503
    assert rest_calls(sim, "listaMesajeFactura")[0]["query"]["zile"] == "60"
    paged = rest_calls(sim, "listaMesajePaginatieFactura")
    assert [c["query"]["pagina"] for c in paged] == ["1", "2"]
    start = int(paged[0]["query"]["startTime"])
    assert start >= int((now - dt.timedelta(days=60)).timestamp() * 1000)


async def test_window_older_than_60_days_is_clamped(sim, client):
    now_ms = int(client.now().timestamp() * 1000)
    await client.list_messages(SELLER, start_ms=now_ms - 90 * 86_400_000, end_ms=now_ms + 60_000)
    [call] = rest_calls(sim, "listaMesajePaginatieFactura")
    assert int(call["query"]["startTime"]) > now_ms - 60 * 86_400_000
    assert int(call["query"]["endTime"]) <= int(client.now().timestamp() * 1000)


async def test_list_business_errors_are_raised(sim, client):
    control(sim, "POST", "config", {"rights": {"SIM-USER-1": ["111"]}})
    with pytest.raises(PermanentProviderError) as denied:
        await client.list_messages(SELLER, days=1)
    assert denied.value.messages == (f"Nu aveti drept in SPV pentru CIF={SELLER}",)


# --- 6. ZIPs ------------------------------------------------------------------------------------


async def _accepted_download_id(sim, client, number="Z-1"):
    receipt = await client.upload(ubl(number), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    report = await client.stare_mesaj(receipt.external_id)
    return receipt.external_id, report.download_id


async def test_download_returns_raw_zip_and_entries_by_name(sim, client):
    upload_id, download_id = await _accepted_download_id(sim, client)
    archive, files = await client.download(download_id)
    assert archive.startswith(b"PK\x03\x04")
    assert sorted(files) == [f"{upload_id}.xml", f"semnatura_{upload_id}.xml"]
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.read(f"{upload_id}.xml") == ubl("Z-1")
    verdict = (
        http(sim)
        .post(
            "/api/validate/signature",
            files={
                "file": ("f.xml", files[f"{upload_id}.xml"]),
                "signature": ("s.xml", files[f"semnatura_{upload_id}.xml"]),
            },
        )
        .json()
    )
    assert "au fost validate cu succes" in verdict["msg"]


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("zip_malformed", TransientProviderError),
        ("zip_missing_entry", PermanentProviderError),
        ("zip_extra_entry", PermanentProviderError),
        ("zip_json", TransientProviderError),  # JSON "eroare tehnica" under a zip content type
        ("waf", PermanentProviderError),
    ],
)
async def test_broken_downloads_are_rejected(sim, client, kind, error):
    _, download_id = await _accepted_download_id(sim, client)
    control(sim, "POST", "faults", {"endpoint": "descarcare", "kind": kind, "match": download_id})
    with pytest.raises(error):
        await client.download(download_id)


async def test_download_error_json_is_classified(client):
    with pytest.raises(PermanentProviderError) as unknown:
        await client.download("3999999999")
    assert unknown.value.messages == ("Pentru id=3999999999 nu exista inregistrata nici o factura",)


# --- 7. quotas ----------------------------------------------------------------------------------


async def test_eleventh_download_of_the_day_is_refused_locally(sim, client):
    _, download_id = await _accepted_download_id(sim, client)
    for _ in range(10):
        await client.download(download_id)
    with pytest.raises(TransientProviderError) as refused:
        await client.download(download_id)
    assert refused.value.retry_at == next_local_midnight(client.now())
    assert len(rest_calls(sim, "descarcare")) == 10


async def test_quota_texts_mean_retry_at_bucharest_midnight_and_stop_locally(sim, client):
    # 23:30 in Bucharest on the eve of the spring DST switch: midnight is still UTC+2.
    control(sim, "POST", "clock", {"set": "2026-03-28T23:30:00+02:00", "frozen": True})
    async with make_client(sim, MemoryStore(issue_credentials(sim))) as fresh_client:
        receipt = await fresh_client.upload(ubl("Q-1"), cif=SELLER)
        control(sim, "POST", "quota", {"kind": "stareMesaj", "key": receipt.external_id, "count": 100})
        with pytest.raises(TransientProviderError) as quota:
            await fresh_client.stare_mesaj(receipt.external_id)
        assert quota.value.retry_at == dt.datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
        assert "S-au facut deja 100" in quota.value.messages[0]
        with pytest.raises(TransientProviderError):
            await fresh_client.stare_mesaj(receipt.external_id)
        assert len(rest_calls(sim, "stareMesaj")) == 1  # the second refusal was local


async def test_hundred_stare_calls_per_id_then_local_refusal(sim, store):
    control(sim, "POST", "config", {"default_polls": 1000, "processing_seconds": 3600})
    async with make_client(sim, store) as client:
        receipt = await client.upload(ubl("S-1"), cif=SELLER)
        for _ in range(100):
            await client.stare_mesaj(receipt.external_id)
        with pytest.raises(TransientProviderError):
            await client.stare_mesaj(receipt.external_id)
    assert len(rest_calls(sim, "stareMesaj")) == 100


# --- 8. tokens ----------------------------------------------------------------------------------


async def test_token_refreshed_before_expiry_and_rotation_persisted(sim):
    store = MemoryStore(issue_credentials(sim, expires_in=120))  # inside the 300 s margin
    old = store.credentials
    async with make_client(sim, store) as client:
        await client.list_messages(SELLER, days=1)
    assert len(store.saves) == 1
    assert store.credentials.refresh_token != old.refresh_token
    assert store.credentials.access_token != old.access_token
    [rest] = rest_calls(sim, "listaMesajeFactura")
    assert rest["headers"]["authorization"] == f"Bearer {store.credentials.access_token}"
    reuse = http(sim).post(
        "/anaf-oauth2/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": old.refresh_token},
        auth=(client.settings.client_id, client.settings.client_secret),
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"


async def test_a_401_is_recovered_by_one_refresh(sim):
    good = issue_credentials(sim)
    store = MemoryStore(
        Credentials(access_token="garbled", refresh_token=good.refresh_token, expires_at=good.expires_at)
    )
    async with make_client(sim, store) as client:
        assert await client.list_messages(SELLER, days=1) == ()
    calls = rest_calls(sim, "listaMesajeFactura")
    assert [c["status"] for c in calls] == [401, 200]
    assert len(rest_calls(sim, "token")) == 1 and len(store.saves) == 1


async def test_concurrent_refreshes_are_serialised(sim):
    store = MemoryStore(issue_credentials(sim, expires_in=60))
    async with make_client(sim, store) as client:
        await asyncio.gather(*(client.list_messages(SELLER, days=1) for _ in range(5)))
    assert len(rest_calls(sim, "token")) == 1 and len(store.saves) == 1


async def test_refused_refresh_means_authorization_required(sim):
    good = issue_credentials(sim)
    store = MemoryStore(Credentials(access_token="garbled", refresh_token="dead", expires_at=good.expires_at))
    async with make_client(sim, store) as client:
        with pytest.raises(AuthorizationRequired):
            await client.list_messages(SELLER, days=1)
    async with make_client(sim, MemoryStore(None)) as client:
        with pytest.raises(AuthorizationRequired):
            await client.list_messages(SELLER, days=1)


async def test_oauth_code_flow_then_revoke(sim):
    store = MemoryStore(None)
    async with make_client(sim, store) as client:
        url = client.authorize_url("st-42")
        redirect = http(sim).get(url, follow_redirects=False)
        assert redirect.status_code == 302
        back = httpx.URL(redirect.headers["location"])
        assert back.params["state"] == "st-42"
        credentials = await client.exchange_code(back.params["code"])
        assert store.credentials == credentials and credentials.expires_at > client.now()
        assert credentials.access_token.count(".") == 2  # JWT-looking, as asked with token_content_type=jwt
        assert await client.list_messages(SELLER, days=1) == ()
        await client.revoke(credentials.refresh_token)
        await client.revoke(credentials.access_token)
        with pytest.raises(AuthorizationRequired):
            await client.list_messages(SELLER, days=1)
        with pytest.raises(AuthorizationRequired):
            await client.exchange_code(back.params["code"])  # single use


# --- failures of the wire -----------------------------------------------------------------------


async def test_waf_page_on_upload_is_permanent(sim, client):
    control(sim, "POST", "faults", {"endpoint": "upload", "kind": "waf"})
    with pytest.raises(PermanentProviderError) as blocked:
        await client.upload(ubl("W-1"), cif=SELLER)
    assert "firewall" in blocked.value.message
    assert uploads(sim) == []


async def test_server_error_and_throttling_are_transient(sim, client):
    control(sim, "POST", "faults", {"endpoint": "upload", "kind": "500"})
    with pytest.raises(TransientProviderError):
        await client.upload(ubl("T-1"), cif=SELLER)
    control(sim, "POST", "config", {"rate_limit_per_minute": 0})
    with pytest.raises(TransientProviderError) as limited:
        await client.list_messages(SELLER, days=1)
    assert limited.value.retry_at is not None and limited.value.retry_at > client.now()
    control(sim, "POST", "config", {"rate_limit_mode": "204"})
    with pytest.raises(TransientProviderError) as empty:
        await client.upload(ubl("T-2"), cif=SELLER)
    assert empty.value.retry_at is not None
    assert uploads(sim) == []


async def test_connect_failure_before_sending_is_transient(sim, store):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = settings_for(sim, api_base_url=f"http://127.0.0.1:{closed_port}")
    async with AnafTransport(settings, store, now=sim.state.clock.now) as client:
        with pytest.raises(TransientProviderError):
            await client.upload(ubl("C-1"), cif=SELLER)


# --- inbox ----------------------------------------------------------------------------------------


async def test_inbox_loaded_from_the_official_samples(sim, client):
    files = sorted(SAMPLES.glob("*.xml"))
    ids = sim.state.load_inbox(SAMPLES)
    assert sim.state.load_inbox(SAMPLES) == ids  # stable ids: loading again adds nothing
    batch = await client.fetch_incoming(BUYER, None)
    assert [m.payload for m in batch.messages] == [f.read_bytes() for f in files]
    assert all(m.kind == "invoice_received" and m.provider_type == "FACTURA PRIMITA" for m in batch.messages)
    assert all(m.archive.startswith(b"PK\x03\x04") for m in batch.messages)
    again = await client.fetch_incoming(BUYER, batch.next_cursor)
    assert again.messages == () and again.next_cursor == batch.next_cursor


async def test_an_accepted_upload_reaches_the_buyers_inbox(sim, client):
    receipt = await client.upload(ubl("B2B-1", buyer=f"RO{BUYER}"), cif=SELLER)
    control(sim, "POST", "clock", {"advance": 120})
    batch = await client.fetch_incoming(BUYER, None)
    [message] = batch.messages
    assert message.upload_id == receipt.external_id and message.payload == ubl("B2B-1", buyer=f"RO{BUYER}")
    assert (await client.fetch_incoming(SELLER, None)).messages == ()


async def test_incoming_cursor_never_advances_past_an_error(sim, client):
    ids = control(
        sim,
        "POST",
        "inbox",
        {"messages": [{"xml": ubl(f"IN-{n}").decode(), "cif": BUYER, "age_seconds": 300 - n * 60} for n in range(3)]},
    )["ids"]
    first = await client.fetch_incoming(BUYER, None, limit=1)
    assert [m.message_id for m in first.messages] == ids[:1]
    control(sim, "POST", "faults", {"endpoint": "descarcare", "kind": "zip_malformed", "match": ids[2]})
    with pytest.raises(TransientProviderError):
        await client.fetch_incoming(BUYER, first.next_cursor)
    rest = await client.fetch_incoming(BUYER, first.next_cursor)
    assert [m.message_id for m in rest.messages] == ids[1:]
    assert (await client.fetch_incoming(BUYER, rest.next_cursor)).messages == ()


def test_settings_from_the_environment_section():
    from plugins.anaf.settings import AnafSettings

    settings = AnafSettings.from_mapping(
        {
            "api_base_url": "http://127.0.0.1:9",
            "environment": "prod",
            "upload_read_timeout": "90",
            "poll_backoff": "5,10",
        }
    )
    assert settings.rest_base_url == "http://127.0.0.1:9/prod/FCTEL/rest"
    assert settings.upload_read_timeout == 90.0
    assert [settings.poll_delay(n) for n in range(4)] == [5.0, 10.0, 10.0, 10.0]
    assert AnafSettings().oauth_url == "https://logincert.anaf.ro/anaf-oauth2/v1"


async def test_two_stores_of_one_company_share_its_refresh_lock():
    """Core builds a new credential store per submission and per sync; transports of one company
    must still serialise their token refresh, or two would spend the same refresh token."""
    from core.submissions.credentials import DbCredentialStore
    from plugins.anaf.oauth import _lock_for

    first, second = DbCredentialStore("company-1", "anaf"), DbCredentialStore("company-1", "anaf")
    assert _lock_for(first) is _lock_for(second)
    assert _lock_for(DbCredentialStore("company-2", "anaf")) is not _lock_for(first)
