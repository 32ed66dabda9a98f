"""``storno worker`` and ``storno scheduler``: the job processes of distributed mode.

The worker consumes the broker (``STORNO_BROKER_URL``); the scheduler sweeps the database for due
work and enqueues it. Both run the licence gate and load plugins first, like ``serve``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from core.cli.common import OPERATOR_ERRORS, fail, settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("worker", help="run job workers (distributed mode)")
    w.add_argument("--threads", type=int, default=4)
    w.set_defaults(func=run_worker)


async def _serve(process: str, threads: int) -> int:
    from core.api.app import Services, start_process
    from core.db import engine as db

    settings = settings_or_exit()
    try:
        await start_process(settings, process)
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))
    services = Services(settings)
    runtime = services.make_runtime(asyncio.get_running_loop())
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    task = None
    if process == "worker":
        runtime.start_workers(threads)
    else:
        task = asyncio.create_task(runtime.sweep_forever())
    logging.getLogger("storno").info("%s running", process)
    await stop.wait()
    if task:
        task.cancel()
    await asyncio.get_running_loop().run_in_executor(None, runtime.stop)
    await db.disconnect()
    return 0


def gate_first(process: str) -> int | None:
    """Run the licence gate before anything else (logging, database, plugins): on a refusal
    print its one sentence and return the exit status; None when the licence is acceptable."""
    from license.gate import run_gate

    settings = settings_or_exit()
    try:
        run_gate(process, data_dir=settings.data_dir)
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))
    return None


def run_worker(args: argparse.Namespace) -> int:
    refused = gate_first("worker")
    if refused is not None:
        return refused
    logging.basicConfig(level=logging.INFO)
    return asyncio.run(_serve("worker", args.threads))
