"""Routes of API-key management (``/api/v1/api-tokens``, objects.md §8.3, §3.16), thin over
:mod:`core.auth.apikeys.service`. No company context: keys belong to a user in an organisation.
Mounted by the app factory from :data:`ROUTES`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.auth.apikeys import service
from core.auth.apikeys.service import ApiKeyIn, ApiKeyPatch
from core.auth.context import Caller
from core.auth.deps import client_ip

__all__ = ["ApiKeyController", "ROUTES"]

KeyId = Annotated[str, PathParameter(description="API key id (UUID).")]


class ApiKeyController(Controller):
    """The caller's API keys in the current organisation (browser/JWT sessions only)."""

    path = "/api/v1/api-tokens"
    tags = ["api-keys"]

    @get("/", summary="List the caller's API keys in the current organisation")
    async def index(self, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return await service.list_keys(caller)

    @get("/scopes", summary="Scopes the caller may grant, grouped by category")
    async def scopes(self, caller: NamedDependency[Caller]) -> dict[str, Any]:
        return service.grantable_scopes(caller)

    @post("/", summary="Create a scoped API key; the raw af_ key is returned once (step-up MFA when enabled)")
    async def create(
        self, request: Request, caller: NamedDependency[Caller], data: JSONBody[ApiKeyIn]
    ) -> dict[str, Any]:
        return await service.create_key(caller, data, ip=client_ip(request))

    @patch("/{key_id:str}", summary="Rename an API key or replace its scopes")
    async def update(
        self, request: Request, caller: NamedDependency[Caller], key_id: KeyId, data: JSONBody[ApiKeyPatch]
    ) -> dict[str, Any]:
        return await service.update_key(caller, key_id, data, ip=client_ip(request))

    @delete("/{key_id:str}", summary="Revoke an API key (refused from this instant)")
    async def revoke(self, request: Request, caller: NamedDependency[Caller], key_id: KeyId) -> None:
        await service.revoke_key(caller, key_id, ip=client_ip(request))


#: Mounted by the app factory.
ROUTES: list[Any] = [ApiKeyController]
