"""The ``storno`` command line.

Each sub-command lives in its own module of this package with a ``register(subparsers)`` function
that adds its parser and sets ``func`` to a callable ``(args) -> int`` (the exit status).
Errors the operator can fix are printed as one sentence on stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: Modules of this package that define sub-commands, in help order.
COMMANDS = ("serve", "worker", "scheduler", "migrate", "demo", "validate", "convert", "artifacts", "plugins", "license", "audit")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(prog="storno", description="Self-hosted EU e-invoicing appliance.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"core.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"core.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``storno`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
