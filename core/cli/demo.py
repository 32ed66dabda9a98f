"""``storno demo [--out DIR] [--inbox DIR]``: the main job end to end, with nothing configured."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.common import OPERATOR_ERRORS, fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole main job against the ANAF simulator and print a summary")
    p.add_argument("--out", type=Path, help="write every generated and downloaded XML here")
    p.add_argument("--inbox", type=Path, help="directory of e-invoice files to serve as the SPV inbox (default: invoices the demo renders)")
    p.add_argument("--data-dir", type=Path, help="data directory (default: a new temporary one)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.demo.run import run_demo

    if args.inbox is not None and not args.inbox.is_dir():
        return fail(f"--inbox {args.inbox} is not a directory.", 2)
    try:
        return run_demo(out=args.out, inbox=args.inbox, data_dir=args.data_dir)
    except OPERATOR_ERRORS as exc:
        return fail(str(exc))
