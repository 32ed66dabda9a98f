"""``storno audit verify``: check the audit log's hash chain (exit 0 intact, 1 broken)."""

from __future__ import annotations

import argparse
import asyncio

from core.cli.common import fail, settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="audit log tools")
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="recompute the audit log's hash chain and report the first broken entry")
    verify.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from core.audit.log import verify
    from core.db import engine as db

    settings = settings_or_exit()

    async def go():
        await db.connect(settings, pool=False)
        try:
            return await verify()
        finally:
            await db.disconnect()

    result = asyncio.run(go())
    if not result.intact:
        return fail(f"audit log broken: {result.reason} ({result.entries} entries before it are intact).")
    print(f"audit log intact: {result.entries} entries")
    return 0
