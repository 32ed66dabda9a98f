"""``storno license``: show the licence this appliance runs under, or sign one (licensor side).

- ``storno license show`` checks the configured licence exactly as the gate does and prints its
  claims and days left; an invalid licence prints one sentence and exits 1.
- ``storno license issue --key PRIVATE.pem --org ORG --plan PLAN --providers anaf,... --days N``
  prints a signed licence token on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from core.errors import LicenseError
from license.claims import LicenseStatus
from license.gate import run_gate
from license.issue import issue_license, key_id_for


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``license`` with its ``show`` and ``issue`` sub-commands to ``subparsers``."""
    parser = subparsers.add_parser("license", help="show or issue a licence")
    sub = parser.add_subparsers(dest="license_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])

    show = sub.add_parser("show", help="verify the configured licence and print its claims")
    show.set_defaults(func=show_command)

    issue = sub.add_parser("issue", help="sign a licence with a private key and print the token")
    issue.add_argument("--key", required=True, type=Path, help="Ed25519 private key (PKCS#8 PEM)")
    issue.add_argument("--org", required=True, help="licensed organisation (the 'sub' claim)")
    issue.add_argument("--plan", required=True, help="plan name")
    issue.add_argument("--providers", required=True, help="comma-separated provider codes, or '*' for all")
    issue.add_argument("--days", required=True, type=int, help="validity in days from now")
    issue.add_argument("--kid", help="key id (default: the bundled key matching --key)")
    issue.add_argument("--max-companies", type=int, default=None, help="company limit (default: none)")
    issue.set_defaults(func=issue_command)


def show_command(args: argparse.Namespace) -> int:
    """Print the licence status; exit 0 when valid (also within grace), 1 with one sentence otherwise."""
    try:
        status = run_gate("license show")
    except LicenseError as exc:
        print(f"storno license: {exc}", file=sys.stderr)
        return 1
    print(_describe(status))
    return 0


def issue_command(args: argparse.Namespace) -> int:
    """Print a licence signed with ``--key``; exit 1 with one sentence on bad input."""
    if args.days < 1:
        print("storno license: --days must be at least 1.", file=sys.stderr)
        return 1
    try:
        pem = args.key.read_bytes()
    except OSError as exc:
        print(f"storno license: cannot read {args.key} ({exc.strerror}).", file=sys.stderr)
        return 1
    try:
        kid = args.kid or key_id_for(pem)
        if kid is None:
            print("storno license: the key matches no bundled key id; pass --kid.", file=sys.stderr)
            return 1
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        token = issue_license(
            pem,
            kid=kid,
            subject=args.org,
            plan=args.plan,
            providers=args.providers.split(","),
            not_before=now,
            expires=now + dt.timedelta(days=args.days),
            max_companies=args.max_companies,
        )
    except ValueError as exc:
        print(f"storno license: {exc}", file=sys.stderr)
        return 1
    print(token)
    return 0


def _describe(status: LicenseStatus) -> str:
    claims = status.claims
    audience = claims.aud if isinstance(claims.aud, str) else ", ".join(claims.aud)
    lines = [
        f"organisation:   {claims.sub}",
        f"plan:           {claims.plan}",
        f"providers:      {', '.join(claims.providers)}",
        f"max companies:  {claims.max_companies if claims.max_companies is not None else 'unlimited'}",
        f"valid from:     {claims.nbf.isoformat()}",
        f"expires:        {claims.exp.isoformat()}",
        f"days left:      {status.days_left}",
        f"issuer:         {claims.iss}",
        f"audience:       {audience}",
        f"key id:         {claims.kid} ({claims.env})",
        f"source:         {status.source}",
    ]
    if status.warning:
        lines.append(f"warning:        {status.warning}")
    return "\n".join(lines)
