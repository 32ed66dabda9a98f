"""``storno migrate``: apply pending database migrations (one-shot in distributed mode)."""

from __future__ import annotations

import argparse
import asyncio

from core.cli.common import OPERATOR_ERRORS, fail, settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="apply pending database migrations")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.db import engine as db
    from license.gate import run_gate

    settings = settings_or_exit()
    try:
        run_gate("migrate")
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))

    async def go() -> list[str]:
        await db.connect(settings, pool=False)
        try:
            return await db.migrate()
        finally:
            await db.disconnect()

    applied = asyncio.run(go())
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0
