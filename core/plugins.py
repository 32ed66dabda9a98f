"""The plugin manager: entry-point loading, the allow-list, licence blocking, the provider registry.

Plugins are distributions declaring an entry point in the ``storno.plugins`` group whose module
holds ``@hookimpl`` functions. Each provider registers once at start; a duplicate provider code
stops the start. Only this module and :mod:`core.providers` call ``pm.hook``.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Iterable
from types import ModuleType

import msgspec
import pluggy

from core import hookspecs
from core.errors import ConfigurationError
from core.views import ProviderInfo

__all__ = ["ENTRY_POINT_GROUP", "LoadedPlugin", "PluginRegistry", "load_plugins"]

ENTRY_POINT_GROUP = "storno.plugins"
log = logging.getLogger("storno.plugins")


class LoadedPlugin(msgspec.Struct, frozen=True):
    """One entry point and what became of it: ``status`` is ``loaded`` or ``skipped``; ``reason`` says why."""

    name: str
    module: str
    status: str
    reason: str = ""
    provider: ProviderInfo | None = None


class PluginRegistry:
    """The pluggy manager plus the providers it registered, keyed by code and by dialect."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: list[LoadedPlugin] = []
        self.providers: dict[str, ProviderInfo] = {}
        self._modules: dict[str, object] = {}

    def register(self, module: ModuleType | object, name: str) -> ProviderInfo | None:
        """Register a plugin module; returns its provider, if it declares one.

        Raises :class:`core.errors.ConfigurationError` when its provider code is already taken.
        """
        self.pm.register(module, name=name)
        caller = self.pm.subset_hook_caller("storno_register_providers", remove_plugins=[p for p in self.pm.get_plugins() if p is not module])
        infos: list[ProviderInfo] = caller()
        info = infos[0] if infos else None
        if info is not None:
            if info.code in self.providers:
                self.pm.unregister(module)
                raise ConfigurationError(f"Two plugins declare the provider code {info.code!r}; uninstall one of them.")
            self.providers[info.code] = info
            self._modules[info.code] = module
        self.plugins.append(LoadedPlugin(name=name, module=getattr(module, "__name__", name), status="loaded", provider=info))
        return info

    def skip(self, name: str, module: str, reason: str) -> None:
        """Record an entry point that was not loaded and why (shown by ``storno plugins``)."""
        self.plugins.append(LoadedPlugin(name=name, module=module, status="skipped", reason=reason))

    def module_for(self, code: str) -> object:
        """The plugin module implementing provider ``code`` (KeyError when none)."""
        return self._modules[code]

    def provider_for_dialect(self, dialect: str) -> ProviderInfo | None:
        """The provider rendering ``dialect``, or None."""
        for info in self.providers.values():
            if dialect in info.dialects:
                return info
        return None

    def provider_for_root(self, root: str) -> ProviderInfo | None:
        """The first registered provider that parses a document whose root is ``root`` (Clark name)."""
        for info in self.providers.values():
            if root in info.parse_roots:
                return info
        return None


def load_plugins(
    *,
    allow: Iterable[str] = (),
    licensed: Iterable[str] | None = None,
    modules: Iterable[tuple[str, ModuleType]] | None = None,
) -> PluginRegistry:
    """Build the registry from the ``storno.plugins`` entry points (or the explicit ``modules``).

    ``allow`` is the allow-list of entry-point names (empty: all). ``licensed`` the provider codes
    the licence covers (``*`` for all; None: no licence check). Blocked plugins are recorded as
    skipped with the reason, never imported. Tests pass ``modules`` and never autoload.
    """
    registry = PluginRegistry()
    allow_set = set(allow)
    licensed_set = None if licensed is None else set(licensed)
    if modules is not None:
        candidates = [(name, None, module) for name, module in modules]
    else:
        candidates = [(ep.name, ep, None) for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]
    for name, ep, module in sorted(candidates, key=lambda c: c[0]):
        target = ep.value if ep is not None else getattr(module, "__name__", name)
        if allow_set and name not in allow_set:
            registry.skip(name, target, "not in STORNO_PLUGINS")
            continue
        if licensed_set is not None and "*" not in licensed_set and name not in licensed_set:
            registry.skip(name, target, "not covered by the licence")
            continue
        if module is None:
            try:
                module = ep.load()
            except Exception as exc:  # a broken plugin must not take the appliance down
                log.exception("plugin %s failed to import", name)
                registry.skip(name, target, f"import failed: {exc}")
                continue
        registry.register(module, name)
    return registry
