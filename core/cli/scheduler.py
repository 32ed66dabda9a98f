"""``storno scheduler``: the one process that sweeps due work into the broker (distributed mode)."""

from __future__ import annotations

import argparse
import asyncio
import logging


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scheduler", help="enqueue due work (distributed mode; run exactly one)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.worker import _serve, gate_first

    refused = gate_first("scheduler")
    if refused is not None:
        return refused
    logging.basicConfig(level=logging.INFO)
    return asyncio.run(_serve("scheduler", 0))
