"""The ANAF sandbox: the loopback simulator plus settings that point the transport at it.

``storno serve --sandbox`` and ``storno demo`` start it, so the whole product can be tried with no
credentials. In the sandbox a company without ANAF credentials is authorised automatically
through the simulator's OAuth flow (the simulator approves every authorisation).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from core.views import ProviderContext
from plugins.anaf.settings import AnafSettings
from plugins.anaf.simulator.server import SimulatorServer

__all__ = ["start_sandbox", "ensure_sandbox_credentials", "SANDBOX_CLIENT"]

_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}
SANDBOX_CLIENT = {"client_id": "storno-sandbox", "client_secret": "storno-sandbox-secret", "redirect_uri": "http://127.0.0.1/plugins/anaf/callback"}


def start_sandbox(inbox: Path | None = None) -> tuple[SimulatorServer, dict[str, Any]]:
    """Start the simulator (its SPV inbox loaded from ``inbox`` when given) and return it with
    the settings section that points the ANAF transport and the VAT-registry lookup at it
    (short poll back-off)."""
    server = SimulatorServer().start()
    server.state.register_client(SANDBOX_CLIENT["client_id"], SANDBOX_CLIENT["client_secret"], [SANDBOX_CLIENT["redirect_uri"]])
    # A sandbox user should not wait: uploads nobody polls finish after about a second (ANAF
    # takes minutes to hours), and "not in ANAF's list" is conclusive only well after that.
    server.state.config.processing_seconds = 0.5
    if inbox is not None:
        server.state.load_inbox(inbox)
    settings = {
        "oauth_base_url": server.base_url,
        "api_base_url": server.base_url,
        "registry_base_url": server.base_url,
        "environment": "test",
        "poll_backoff": "0.5,1,1,2",
        "reconcile_settle_seconds": "5",
        "sandbox": "true",
        **SANDBOX_CLIENT,
    }
    return server, settings


async def ensure_sandbox_credentials(context: ProviderContext) -> None:
    """In the sandbox only: authorise a company that has no credentials yet, through the
    simulator's OAuth authorize (auto-approved) and token exchange. Elsewhere does nothing."""
    if str(context.settings.get("sandbox", "")).lower() != "true" or context.credentials is None:
        return
    key = (id(asyncio.get_running_loop()), context.company.id)
    async with _LOCKS.setdefault(key, asyncio.Lock()):  # one authorisation per company and event loop
        if await context.credentials.load() is None:
            await _authorise(context)


async def _authorise(context: ProviderContext) -> None:
    from plugins.anaf.transport import AnafTransport

    async with AnafTransport(AnafSettings.from_mapping(context.settings), context.credentials) as transport:
        async with httpx.AsyncClient(follow_redirects=False) as http:
            answer = await http.get(transport.authorize_url(state=context.company.id))
        code = parse_qs(urlparse(answer.headers.get("location", "")).query).get("code", [""])[0]
        if not code:
            raise RuntimeError(f"the ANAF simulator did not authorise (HTTP {answer.status_code})")
        credentials = await transport.exchange_code(code)
        await context.credentials.save(credentials)
