"""Routes of endpoints.tsv area ``licensing`` on a self-hosted appliance (see :mod:`core.licensing.service`).

``GET``/``POST /api/v1/licensing/keys`` and ``DELETE …/keys/{id}`` need a logged-in owner
(``org.manage_billing``) and no company header; ``POST /api/v1/licensing/validate`` is public.
Mounted by the app factory from :data:`ROUTES`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.auth.context import Caller
from core.auth.deps import client_ip
from core.licensing import service
from core.licensing.service import LicenseKeyIn, ValidateIn

__all__ = ["ROUTES"]

LicenceId = Annotated[str, PathParameter(description="Licence id as listed (derived from the token).")]


class LicensingController(Controller):
    """``/api/v1/licensing``: the appliance's licence."""

    path = "/api/v1/licensing"
    tags = ["licensing"]

    @get("/keys", summary="The licence this appliance runs under (masked token, plan, providers, limit, days left, violations)")
    async def index(self, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await service.list_keys(caller)

    @post("/keys", summary="Install or replace the appliance's licence (verified offline first; owner only)")
    async def install(self, request: Request, caller: NamedDependency[Caller], data: JSONBody[LicenseKeyIn]) -> dict[str, Any]:
        return await service.install_key(caller, data, ip=client_ip(request))

    @delete("/keys/{licence_id:str}", summary="Remove the installed licence (owner only)")
    async def remove(self, request: Request, caller: NamedDependency[Caller], licence_id: LicenceId) -> None:
        await service.delete_key(caller, licence_id, ip=client_ip(request))

    @post("/validate", status_code=200, summary="Public: check a licence token offline (plan, features, violations)")
    async def validate(self, data: JSONBody[ValidateIn]) -> dict[str, Any]:
        return await service.validate(data)


#: Mounted by the app factory.
ROUTES: list[Any] = [LicensingController]
