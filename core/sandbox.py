"""The sandbox: every shipped simulator on loopback, and the provider settings pointing at them.

Used by ``storno serve --sandbox`` and ``storno demo``. Each provider names its simulator
starter in ``ProviderInfo.simulator`` (``module:function``), which returns the running server
and the settings section for its transport.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from core.plugins import PluginRegistry

__all__ = ["start_simulators"]


def start_simulators(registry: PluginRegistry, inbox: Path | None = None) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """Start the simulator of every loaded provider that ships one.

    Returns (servers, settings by provider code); stop each server with ``.stop()``.
    ``inbox`` (a directory of e-invoice files) fills the simulated inboxes.
    """
    servers: list[Any] = []
    settings: dict[str, dict[str, Any]] = {}
    for code, info in registry.providers.items():
        if not info.simulator:
            continue
        module_name, _, attr = info.simulator.partition(":")
        starter = getattr(importlib.import_module(module_name), attr)
        server, section = starter(inbox)
        servers.append(server)
        settings[code] = section
    return servers, settings
