"""ANAF PlatitorTvaRest v9 (public VAT registry): the client against a real simulator over HTTP,
and the simulator's wire contract (found / notFound, 400 on a bad body, control-plane records)."""

from __future__ import annotations

import datetime as dt
import socket

import httpx
import pytest

from core.errors import TransientProviderError
from plugins.anaf.registry import REGISTRY_PATH, RegistryClient, normalise_cui, registry_day
from plugins.anaf.settings import AnafSettings
from plugins.anaf.simulator.registry import anaf_record


@pytest.fixture(autouse=True)
def fresh(sim):
    sim.state.reset()


def client(base_url: str, **overrides) -> RegistryClient:
    return RegistryClient(AnafSettings(registry_base_url=base_url, **overrides))


async def test_found_company_maps_to_a_company_record(sim):
    async with client(sim.base_url) as registry:
        record = await registry.lookup("18547290")
    assert record is not None
    assert (record.name, record.cif, record.vat_payer) == ("Demo Appliance SRL", "18547290", True)
    assert record.registration_number == "J40/1234/2006" and record.address == "Str. Gheorghe Manu nr. 5"
    assert (record.city, record.county, record.country) == ("Sector 1", "Municipiul Bucureşti", "RO")
    assert record.postal_code == "010442" and record.phone == "0212000000"


async def test_cluj_client_and_a_non_vat_payer_in_iasi(sim):
    async with client(sim.base_url) as registry:
        found = await registry.lookup_many([6859662, "14399840"])
    cluj, iasi = found[6859662], found[14399840]
    assert (cluj.name, cluj.city, cluj.county, cluj.vat_payer) == ("Client Exemplu SRL", "Cluj-Napoca", "Cluj", True)
    assert (iasi.city, iasi.county, iasi.vat_payer, iasi.phone) == ("Iaşi", "Iaşi", False, None)


async def test_ro_prefix_and_spaces_are_stripped_before_asking(sim):
    async with client(sim.base_url) as registry:
        record = await registry.lookup(" ro 1854 7290 ")
    assert record is not None and record.cif == "18547290"
    asked = [r for r in sim.state.request_log() if r["path"] == REGISTRY_PATH]
    assert len(asked) == 1 and asked[0]["method"] == "POST"
    with pytest.raises(ValueError):
        normalise_cui("RO12A45")
    with pytest.raises(ValueError):
        normalise_cui("")


async def test_unknown_cif_is_none(sim):
    async with client(sim.base_url) as registry:
        assert await registry.lookup("RO123456") is None


async def test_control_plane_records_are_served_and_reset(sim):
    extra = anaf_record(
        9000001,
        "Brutăria Veche SRL",
        reg_com="J04/10/2015",
        street="Calea Mărăşeşti",
        number="7A",
        locality="Mun. Bacău",
        county="BACĂU",
        county_auto="BC",
        county_code="4",
        postal="600017",
        vat_since="2015-05-01",
    )
    extra["adresa_sediu_social"]["sdetalii_Adresa"] = "bl. 2, ap. 3"
    added = httpx.post(f"{sim.base_url}/__sim/registry", json={"records": [extra]})
    assert added.status_code == 200 and added.json() == {"cuis": [9000001]}
    async with client(sim.base_url) as registry:
        record = await registry.lookup(9000001)
        assert record is not None and record.address == "Calea Mărăşeşti nr. 7A, bl. 2, ap. 3"
        assert (record.city, record.county) == ("Bacău", "Bacău")
        httpx.post(f"{sim.base_url}/__sim/reset")
        assert await registry.lookup(9000001) is None


def test_wire_shape_found_and_not_found(sim):
    day = registry_day().isoformat()
    answer = httpx.post(
        f"{sim.base_url}{REGISTRY_PATH}", json=[{"cui": 18547290, "data": day}, {"cui": 123, "data": day}]
    )
    body = answer.json()
    assert answer.status_code == 200 and (body["cod"], body["message"], body["notFound"]) == (200, "SUCCESS", [123])
    item = body["found"][0]
    assert item["date_generale"]["cui"] == 18547290 and item["date_generale"]["data"] == day
    assert item["inregistrare_scop_Tva"]["scpTVA"] is True and item["date_generale"]["iban"] == ""
    assert item["adresa_sediu_social"]["scod_JudetAuto"] == "B"


@pytest.mark.parametrize(
    "body",
    [
        {"cui": 18547290, "data": "2025-01-02"},
        [{"cui": n, "data": "2025-01-02"} for n in range(1, 102)],
        [{"cui": "abc", "data": "2025-01-02"}],
        [{"cui": 18547290, "data": "02.01.2025"}],
    ],
    ids=["not-a-list", "101-items", "cui-not-a-number", "bad-date"],
)
def test_bad_body_is_a_400_json(sim, body):
    answer = httpx.post(f"{sim.base_url}{REGISTRY_PATH}", json=body)
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/json")
    assert answer.json()["cod"] == 400 and answer.json()["message"]


def test_exactly_100_items_are_accepted(sim):
    day = dt.date(2025, 1, 2).isoformat()
    answer = httpx.post(f"{sim.base_url}{REGISTRY_PATH}", json=[{"cui": n, "data": day} for n in range(1, 101)])
    assert answer.status_code == 200 and len(answer.json()["notFound"]) == 100


async def test_more_than_100_cifs_are_asked_in_batches(sim):
    async with client(sim.base_url) as registry:
        found = await registry.lookup_many([18547290, *range(1, 150)])
    assert list(found) == [18547290]
    assert len([r for r in sim.state.request_log() if r["path"] == REGISTRY_PATH]) == 2


async def test_simulator_down_is_transient():
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}", connect_timeout=2.0) as registry:
        with pytest.raises(TransientProviderError):
            await registry.lookup("18547290")


@pytest.mark.parametrize("kind", ["500", "waf"])
async def test_server_error_or_firewall_page_is_transient(sim, kind):
    httpx.post(f"{sim.base_url}/__sim/faults", json={"endpoint": "registry", "kind": kind})
    async with client(sim.base_url) as registry:
        with pytest.raises(TransientProviderError):
            await registry.lookup("18547290")


async def test_slow_registry_is_transient(sim):
    httpx.post(f"{sim.base_url}/__sim/faults", json={"endpoint": "registry", "kind": "delay", "delay_ms": 1500})
    async with client(sim.base_url, read_timeout=0.3) as registry:
        with pytest.raises(TransientProviderError):
            await registry.lookup("18547290")
