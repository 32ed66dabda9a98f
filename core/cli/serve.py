"""``storno serve``: the web API (embedded mode: with workers and scheduler in-process)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from core.cli.common import OPERATOR_ERRORS, fail, settings_or_exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web API (embedded: also the jobs)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--sandbox", action="store_true", help="start every simulator on loopback and use it (implies STORNO_ENV=development)")
    p.add_argument("--inbox", type=Path, help="sandbox: directory of e-invoice files served as the incoming inbox")
    p.add_argument("--no-workers", action="store_true", help="do not run jobs in this process (distributed mode)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from core.api.app import create_app
    from core.plugins import load_plugins
    from core.sandbox import start_simulators
    from license.gate import run_gate

    settings = settings_or_exit(development=args.sandbox)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        status = run_gate("serve")
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))
    registry = load_plugins(allow=settings.plugins_allow, licensed=status.claims.providers)
    servers, sandbox = start_simulators(registry, args.inbox) if args.sandbox else ([], {})
    for code, section in sandbox.items():
        print(f"sandbox: {code} simulator at {section.get('api_base_url')}")
    app = create_app(settings, registry=registry, sandbox=sandbox, embedded_workers=not args.no_workers and not settings.broker_url)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        for server in servers:
            server.stop()
    return 0
