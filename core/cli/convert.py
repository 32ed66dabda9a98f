"""``storno convert INPUT --to DIALECT -o OUT``: read any supported e-invoice, write it in another dialect.

The file is parsed into the canonical EN 16931 model and rendered again, so its business terms
carry over. Exit 0 on success; 1 with one sentence listing the missing business terms when the
target dialect cannot express the document; 2 when the input is unusable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.common import OPERATOR_ERRORS, fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert an e-invoice file to another dialect (e.g. cius-ro)")
    p.add_argument("input", type=Path)
    p.add_argument("--to", required=True, dest="dialect", help="target dialect, e.g. cius-ro")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core import providers
    from core.errors import UnsafeXmlError
    from core.plugins import load_plugins

    try:
        payload = args.input.read_bytes()
    except OSError as exc:
        return fail(f"cannot read {args.input}: {exc.strerror}.", 2)
    try:
        providers.activate(load_plugins())
        parsed = providers.parse(payload)
    except (UnsafeXmlError, ValueError) as exc:
        return fail(f"{args.input} is not a supported e-invoice: {getattr(exc, 'message', exc)}", 2)
    except OPERATOR_ERRORS as exc:
        return fail(str(exc), 2)
    try:
        artefact = providers.render(parsed.document, args.dialect)
    except ValueError as exc:
        return fail(str(exc), 1)
    except OPERATOR_ERRORS as exc:
        return fail(str(exc), 2)
    args.output.write_bytes(artefact.content)
    doc = parsed.document
    print(f"{args.input.name} ({parsed.dialect}) -> {args.output} ({artefact.dialect}): invoice {doc.invoice_number}, {len(doc.lines)} lines, total {doc.totals.total_with_vat} {doc.currency_code}")
    return 0
