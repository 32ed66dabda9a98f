"""``storno plugins``: what is loaded, and why other plugins are not."""

from __future__ import annotations

import argparse

from core.cli.common import OPERATOR_ERRORS, fail, settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="list loaded and skipped plugins")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.plugins import load_plugins
    from license.gate import run_gate

    settings = settings_or_exit()
    try:
        status = run_gate("plugins")
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))
    registry = load_plugins(allow=settings.plugins_allow, licensed=status.claims.providers)
    for plugin in registry.plugins:
        info = plugin.provider
        detail = f"{info.label}, country {info.country}, dialects {', '.join(info.dialects)}" if info else plugin.reason
        print(f"{plugin.name:12} {plugin.status:8} {plugin.module:28} {detail}")
    if not registry.plugins:
        print("no plugins installed")
    return 0
