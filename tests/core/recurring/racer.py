"""A second scheduler process for the exactly-once test: ``python -m tests.core.recurring.racer
<go-file> <template id> <period>`` with the test's STORNO_* variables in the environment.

It starts like ``storno scheduler`` (licence gate, database, the ANAF plugin), says it is ready (a ``ready-<pid>`` file beside the
go-file), waits until the go-file exists so that every racer starts generating at the same moment, runs one generation of
the period and prints ``issued <number>`` or ``none``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from pathlib import Path


async def main(go: Path, template_id: str, period: str) -> str:
    from core.api.app import Services, start_process
    from core.db import engine as db
    from core.plugins import load_plugins
    from core.settings import load_settings
    from plugins.anaf import plugin as anaf

    settings = load_settings()
    await start_process(settings, "scheduler", registry=load_plugins(modules=[("anaf", anaf)]))
    try:
        services = Services(settings)
        go.with_name(f"ready-{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        invoice = await services.recurring.generate(template_id, dt.date.fromisoformat(period))
        return f"issued {invoice['number']}" if invoice else "none"
    finally:
        await db.disconnect()


if __name__ == "__main__":
    print(asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])), flush=True)
