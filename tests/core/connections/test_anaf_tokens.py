"""ANAF token management through the real API against the ANAF simulator: tokens are checked
before they are stored, stored sealed (raw SQL shows no token text), read back decrypted, and a
wrong encryption key fails clearly; the consent flow and one-time links store tokens too."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import msgspec
import pytest

from core import crypto
from core.api.app import start_process
from core.db import engine as db
from core.errors import ConfigurationError
from tests.plugins.anaf.anaf_sim import control, issue_credentials
from tests.support.appliance import running_appliance

CIF = "18547290"  # the appliance test company (tests/support/appliance.py)


def raw(settings: Any, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` read straight from the database, bypassing the appliance's code."""
    if not settings.is_postgres:
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql).fetchall()]
    import asyncpg

    async def run() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(settings.database_url)
        try:
            return [dict(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def _ok(response: httpx.Response, *status: int) -> Any:
    assert response.status_code in (status or (200, 201)), f"{response.request.url}: {response.status_code} {response.text[:400]}"
    return response.json() if response.content else None


def test_a_token_stored_through_the_api_is_sealed_and_reads_back(settings, registry):
    with running_appliance(settings, registry) as app:
        credentials = issue_credentials(app.sim)
        stored = _ok(app.http.post("/api/v1/anaf/tokens", json={
            "token": credentials.access_token, "refreshToken": credentials.refresh_token, "label": "Contabil",
        }), 201)
        assert credentials.access_token not in json.dumps(stored) and credentials.refresh_token not in json.dumps(stored)
        assert (stored["label"], stored["companyId"], stored["cif"], stored["validatedCifs"]) == ("Contabil", app.company_id, CIF, [CIF])
        assert stored["hasRefreshToken"] is True and stored["expired"] is False and stored["expiresAt"]

        rows = raw(settings, "SELECT * FROM provider_credentials")
        assert len(rows) == 1
        dump = json.dumps(rows, default=str)
        for secret in (credentials.access_token, credentials.refresh_token):
            assert secret not in dump and secret[-24:] not in dump
        assert rows[0]["access_token"].startswith("enc:v1:") and rows[0]["refresh_token"].startswith("enc:v1:")
        keyring = crypto.keyring_for(settings.encryption_key)
        context = f"provider_credentials:{app.company_id}:anaf:access_token"
        assert keyring.open(rows[0]["access_token"], context=context) == credentials.access_token
        # a sealed value copied to another company's row does not open there
        with pytest.raises(crypto.DecryptionError):
            keyring.open(rows[0]["access_token"], context="provider_credentials:another-company:anaf:access_token")

        # read back decrypted by the appliance: ANAF (the simulator) accepts it for the company's CIF
        checked = _ok(app.http.post(f"/api/v1/anaf/tokens/{stored['id']}/validate-cif", json={"cif": f"RO{CIF}"}))
        assert checked == {"valid": True, "cif": CIF, "validatedCifs": [CIF]}
        calls = [r for r in control(app.sim, "GET", "requests") if r["path"].endswith("listaMesajeFactura")]
        assert calls and calls[-1]["query"]["cif"] == CIF

        listed = _ok(app.http.get("/api/v1/anaf/tokens"))["data"]
        assert [t["id"] for t in listed] == [stored["id"]]
        status = _ok(app.http.get("/api/v1/anaf/status"))
        assert (status["connected"], status["hasToken"], status["tokenCount"]) == (True, True, 1)

        assert app.http.delete(f"/api/v1/anaf/tokens/{stored['id']}").status_code == 204
        assert raw(settings, "SELECT * FROM provider_credentials") == []
        assert _ok(app.http.get("/api/v1/anaf/tokens"))["data"] == []
        assert _ok(app.http.get("/api/v1/anaf/status"))["hasToken"] is False
        assert app.http.delete(f"/api/v1/anaf/tokens/{stored['id']}").status_code == 404
        actions = [r["action"] for r in raw(settings, "SELECT action FROM audit_log ORDER BY seq")]
        assert actions.count("anaf_token.stored") == 1 and actions.count("anaf_token.deleted") == 1


def test_validate_cif_reports_anaf_s_refusal_and_a_refused_token_is_not_stored(settings, registry):
    with running_appliance(settings, registry) as app:
        credentials = issue_credentials(app.sim)
        control(app.sim, "POST", "config", {"rights": {"SIM-USER-1": [CIF]}})
        stored = _ok(app.http.post("/api/v1/anaf/tokens", json={"token": credentials.access_token}), 201)
        refused = _ok(app.http.post(f"/api/v1/anaf/tokens/{stored['id']}/validate-cif", json={"cif": "6859662"}))
        assert refused["valid"] is False and refused["code"] == "TOKEN_INVALID_FOR_CIF"
        assert "Nu aveti drept in SPV pentru CIF=6859662" in refused["error"]
        not_numeric = _ok(app.http.post(f"/api/v1/anaf/tokens/{stored['id']}/validate-cif", json={"cif": "12a"}))
        assert not_numeric["valid"] is False
        assert app.http.post(f"/api/v1/anaf/tokens/{stored['id']}/validate-cif", json={}).status_code == 400

        control(app.sim, "POST", "config", {"rights": {"SIM-USER-1": ["6859662"]}})
        replaced = app.http.post("/api/v1/anaf/tokens", json={"token": issue_credentials(app.sim).access_token})
        assert replaced.status_code == 422
        assert replaced.json()["code"] == "TOKEN_INVALID_FOR_CIF" and f"CIF={CIF}" in replaced.json()["error"]
        rows = raw(settings, "SELECT access_token FROM provider_credentials")
        keyring = crypto.keyring_for(settings.encryption_key)
        assert keyring.open(rows[0]["access_token"], context=f"provider_credentials:{app.company_id}:anaf:access_token") == credentials.access_token
        assert app.http.post("/api/v1/anaf/tokens", json={"token": ""}).status_code == 400
        garbage = app.http.post("/api/v1/anaf/tokens", json={"token": "not-a-token"})
        assert garbage.status_code == 422 and garbage.json()["code"] == "TOKEN_INVALID_FOR_CIF"


def test_a_wrong_encryption_key_fails_clearly(settings, registry):
    with running_appliance(settings, registry) as app:
        _ok(app.http.post("/api/v1/anaf/tokens", json={"token": issue_credentials(app.sim).access_token}), 201)
        _ok(app.http.post(f"/api/v1/companies/{app.company_id}/einvoice-config",
                          json={"provider": "anaf", "credentials": {"client_secret": "a-very-secret-client-value"}}))
    other = msgspec.structs.replace(settings, encryption_key="ab" * 32)

    async def start() -> None:
        try:
            await start_process(other, "worker", registry=registry)
        finally:
            await db.disconnect()

    with pytest.raises(ConfigurationError) as info:
        asyncio.run(start())
    message = str(info.value)
    assert "was encrypted with key" in message and "which is not configured" in message
    assert "STORNO_ENCRYPTION_KEY" in message and settings.encryption_key not in message


def test_rotation_reseals_everything_under_the_new_key(settings, registry):
    with running_appliance(settings, registry) as app:
        credentials = issue_credentials(app.sim)
        _ok(app.http.post("/api/v1/anaf/tokens", json={"token": credentials.access_token}), 201)
        _ok(app.http.post(f"/api/v1/companies/{app.company_id}/einvoice-config",
                          json={"provider": "anaf", "credentials": {"client_secret": "a-very-secret-client-value"}}))
    old_id = crypto.keyring_for(settings.encryption_key).primary_id
    rotated = msgspec.structs.replace(settings, encryption_key="cd" * 32, encryption_old_keys=(settings.encryption_key,))
    with running_appliance(rotated, registry, tenant=False) as app:
        rows = raw(settings, "SELECT access_token FROM provider_credentials")
        new_id = crypto.keyring_for(rotated.encryption_key).primary_id
        assert rows[0]["access_token"].startswith(f"enc:v1:{new_id}:") and old_id != new_id
        config = raw(settings, "SELECT credentials FROM einvoice_configs")[0]["credentials"]
        assert f"enc:v1:{new_id}:" in str(config) and "a-very-secret" not in str(config)


def test_einvoice_config_credentials_are_sealed_and_masked(settings, registry):
    with running_appliance(settings, registry) as app:
        shown = _ok(app.http.post(f"/api/v1/companies/{app.company_id}/einvoice-config",
                                  json={"provider": "anaf", "credentials": {"client_id": "storno-client", "client_secret": "a-very-secret-client-value"}}))
        assert shown["credentials"] == {"client_id": "****ient", "client_secret": "****alue"}
        stored = str(raw(settings, "SELECT credentials FROM einvoice_configs")[0]["credentials"])
        assert "a-very-secret" not in stored and "storno-client" not in stored and "enc:v1:" in stored
        # an update with a blank secret keeps the stored (sealed) one
        kept = _ok(app.http.post(f"/api/v1/companies/{app.company_id}/einvoice-config",
                                 json={"provider": "anaf", "credentials": {"client_secret": "", "client_id": "other-client"}}))
        assert kept["credentials"] == {"client_id": "****ient", "client_secret": "****alue"}
        assert _ok(app.http.post(f"/api/v1/companies/{app.company_id}/einvoice-config/test", json={"provider": "anaf"}))["success"] is True


def _follow_consent(app: Any, location: str) -> dict[str, str]:
    """What a browser does at ANAF: open the consent page (the simulator approves at once) and
    return the query the redirect URI receives."""
    assert location.startswith(app.sim.base_url)
    answer = httpx.get(location, follow_redirects=False)
    assert answer.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlparse(answer.headers["location"]).query).items()}


def test_consent_flow_stores_a_sealed_token(settings, registry):
    with running_appliance(settings, registry) as app:
        assert httpx.get(f"{app.url}/api/connect/anaf", follow_redirects=False).status_code == 401
        start = app.http.get("/api/connect/anaf", follow_redirects=False)
        assert start.status_code == 302
        query = _follow_consent(app, start.headers["location"])
        forged = app.http.get("/api/connect/anaf/callback", params={"code": query["code"], "state": query["state"] + "x"})
        assert forged.status_code == 400 and "state is invalid" in forged.json()["error"]
        done = _ok(httpx.get(f"{app.url}/api/connect/anaf/callback", params=query))
        assert done["status"] == "connected" and done["companyId"] == app.company_id
        assert app.http.get("/api/connect/anaf/callback", params=query).status_code == 422  # the code is spent
        rows = raw(settings, "SELECT id, access_token FROM provider_credentials")
        assert [r["id"] for r in rows] == [done["tokenId"]] and rows[0]["access_token"].startswith("enc:v1:")
        assert _ok(app.http.get("/api/v1/anaf/status"))["connected"] is True


def test_one_time_link_lets_another_person_authorise(settings, registry):
    with running_appliance(settings, registry) as app:
        link = _ok(app.http.post("/api/v1/anaf/token-links"), 201)
        token = link["linkToken"]
        assert len(token) == 64 and all(c in "0123456789abcdef" for c in token)
        assert link["url"].endswith(f"/api/connect/anaf?link={token}")
        assert token not in json.dumps(raw(settings, "SELECT * FROM authorization_links"), default=str)
        public = httpx.Client(base_url=app.url)  # the other person: no login
        assert _ok(public.get(f"/api/v1/anaf/token-links/{token}"))["status"] == "pending"
        assert public.get(f"/api/v1/anaf/token-links/{'0' * 64}").status_code == 404
        start = public.get("/api/connect/anaf", params={"link": token}, follow_redirects=False)
        assert start.status_code == 302
        assert _ok(public.get(f"/api/v1/anaf/token-links/{token}"))["status"] == "used"
        again = public.get("/api/connect/anaf", params={"link": token}, follow_redirects=False)
        assert again.status_code == 410
        _ok(public.get("/api/connect/anaf/callback", params=_follow_consent(app, start.headers["location"])))
        assert _ok(public.get(f"/api/v1/anaf/token-links/{token}"))["status"] == "completed"
        assert len(_ok(app.http.get("/api/v1/anaf/tokens"))["data"]) == 1


def test_tokens_stored_in_clear_before_encryption_are_read_and_sealed_at_the_next_start(settings, registry):
    from core.submissions.credentials import DbCredentialStore
    from core.submissions.tables import ProviderCredential

    with running_appliance(settings, registry) as app:
        company_id = app.company_id

    async def legacy() -> Any:
        await db.connect(settings)
        try:  # a row as written before m0015: the tokens in clear
            await ProviderCredential.insert(ProviderCredential(
                company=company_id, provider="anaf", access_token="legacy-access-token-value", refresh_token="legacy-refresh-value",
            )).run()
            crypto.activate(crypto.keyring_for(settings.encryption_key))
            return await DbCredentialStore(company_id, "anaf").load()
        finally:
            await db.disconnect()

    read = asyncio.run(legacy())
    assert (read.access_token, read.refresh_token) == ("legacy-access-token-value", "legacy-refresh-value")
    with running_appliance(settings, registry, tenant=False):
        row = raw(settings, "SELECT access_token, refresh_token FROM provider_credentials")[0]
    assert row["access_token"].startswith("enc:v1:") and "legacy" not in json.dumps(row)
    keyring = crypto.keyring_for(settings.encryption_key)
    assert keyring.open(row["refresh_token"], context=f"provider_credentials:{company_id}:anaf:refresh_token") == "legacy-refresh-value"


async def test_a_development_licence_keeps_anaf_on_its_test_environment(settings):
    """../shared/ARCHITECTURE.md, Licence: development licences allow only simulator or test endpoints."""
    from plugins.anaf import plugin as anaf
    from tests.core.conftest import add_company, register, start_api

    production_anaf = msgspec.structs.replace(settings, provider_settings={"anaf": {"environment": "prod", "licence": "production"}})
    async with start_api(production_anaf, plugins=[("anaf", anaf)]) as api:
        owner = await register(api, "owner@alfa.ro", organizationName="Alfa")
        await add_company(api, owner)
        refused = await api.post("/api/v1/anaf/tokens", json={"token": "a.b.c"}, headers=owner.headers)
        assert refused.status_code == 422
        assert refused.json()["error"] == (
            "A development licence allows only ANAF's test environment or the simulator; "
            "set STORNO_ANAF_ENVIRONMENT=test or install a production licence."
        )
        assert (await api.get("/api/v1/anaf/tokens", headers=owner.headers)).json() == {"data": []}
