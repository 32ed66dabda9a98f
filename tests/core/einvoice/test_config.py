"""E-invoice provider catalogue and per-company provider configuration over the API (endpoints.tsv, area einvoice)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from tests.core.conftest import PASSWORD, Tenant, add_company, in_app, login, ok, register, start_api


@pytest.fixture
async def anaf_api(settings: Any):
    """The app with the shipped ANAF plugin registered."""
    from plugins.anaf import plugin as anaf

    async with start_api(msgspec.structs.replace(settings, open_registration=True), plugins=[("anaf", anaf)]) as client:
        yield client


@pytest.fixture
async def tenant(anaf_api: AsyncTestClient) -> Tenant:
    tenant = await register(anaf_api, "owner@alfa.ro", organizationName="Alfa")
    await add_company(anaf_api, tenant)
    return tenant


def url(tenant: Tenant, suffix: str = "") -> str:
    return f"/api/v1/companies/{tenant.company_id}/einvoice-config{suffix}"


async def test_providers_is_a_bare_array_of_loaded_plugins(anaf_api, tenant):
    body = ok(await anaf_api.get("/api/v1/einvoice/providers", headers=tenant.headers))
    assert isinstance(body, list)
    assert {"code": "anaf", "label": body[0]["label"], "country": "RO"} in body
    assert set(body[0]) == {"code", "label", "country"}


async def test_config_round_trip_masks_and_keeps_blank_credentials(anaf_api, tenant):
    assert ok(await anaf_api.get(url(tenant), headers=tenant.headers)) == []
    created = await anaf_api.post(url(tenant), json={"provider": "anaf", "credentials": {"clientId": "client-1234567890", "clientSecret": "s3cret-value-abcd"}}, headers=tenant.headers)
    body = ok(created, 201)
    assert body["provider"] == "anaf" and body["enabled"] is True
    assert body["credentials"] == {"clientId": "****7890", "clientSecret": "****abcd"}
    assert "client-1234567890" not in created.text

    updated = ok(await anaf_api.post(url(tenant), json={"provider": "anaf", "enabled": False, "credentials": {"clientId": "", "clientSecret": "new-secret-wxyz"}}, headers=tenant.headers), 200)
    assert updated["id"] == body["id"] and updated["enabled"] is False
    assert updated["credentials"] == {"clientId": "****7890", "clientSecret": "****wxyz"}

    listed = ok(await anaf_api.get(url(tenant), headers=tenant.headers))
    assert [c["provider"] for c in listed] == ["anaf"] and listed[0]["credentials"]["clientId"] == "****7890"

    tested = ok(await anaf_api.post(url(tenant, "/test"), json={"provider": "anaf", "credentials": {}}, headers=tenant.headers), 200)
    assert tested["success"] is True

    assert (await anaf_api.delete(url(tenant, "/anaf"), headers=tenant.headers)).status_code == 204
    assert ok(await anaf_api.get(url(tenant), headers=tenant.headers)) == []
    assert (await anaf_api.delete(url(tenant, "/anaf"), headers=tenant.headers)).status_code == 404


async def test_unknown_provider_and_empty_test(anaf_api, tenant):
    refused = await anaf_api.post(url(tenant), json={"provider": "nope", "credentials": {}}, headers=tenant.headers)
    assert refused.status_code == 400, refused.text
    assert "error" in refused.json()
    tested = ok(await anaf_api.post(url(tenant, "/test"), json={"provider": "anaf", "credentials": {"token": "  "}}, headers=tenant.headers), 200)
    assert tested["success"] is False


async def test_another_company_is_forbidden(anaf_api, tenant):
    from core.auth.tables import User

    ok(await anaf_api.post("/api/auth/register", json={"email": "other@beta.ro", "password": PASSWORD}), 201)
    in_app(anaf_api, User.update({User.email_verified: True}).where(User.email == "other@beta.ro").run)  # no mail here
    other = await login(anaf_api, "other@beta.ro")
    await add_company(anaf_api, other, cif="14399840", name="Beta Trading SRL")
    # Another organisation's company in the path, the caller's own in X-Company: the ids differ.
    for method, suffix, body in (("get", "", None), ("post", "", {"provider": "anaf", "credentials": {"a": "b"}}), ("post", "/test", {"provider": "anaf"}), ("delete", "/anaf", None)):
        kwargs: dict[str, Any] = {"headers": other.headers}
        if body is not None:
            kwargs["json"] = body
        response = await getattr(anaf_api, method)(url(tenant, suffix), **kwargs)
        assert response.status_code == 403, (method, suffix, response.status_code, response.text)
    # Naming the other company in X-Company as well is refused by the company check itself.
    response = await anaf_api.get(url(tenant), headers={**other.auth, "X-Company": tenant.company_id})
    assert response.status_code == 403, response.text
