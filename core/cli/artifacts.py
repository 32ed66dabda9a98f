"""``storno artifacts``: check or install the official validation artefacts.

- ``storno artifacts verify [DIR]`` checks DIR (default ``STORNO_ARTIFACTS_DIR``) against the
  manifest: every file present with its official SHA-256. Without either, it checks the copies
  bundled in PyPI packages. Exit 0 and counts when all match; 1 with one sentence naming the
  first missing or altered file.
- ``storno artifacts import SRC [--dest DIR]`` verifies SRC, then copies the manifest's files into
  DIR (default ``$STORNO_DATA_DIR/artifacts``) and verifies the copies: the air-gapped install.
  Point ``STORNO_ARTIFACTS_DIR`` at the destination afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.errors import ArtifactError
from core.validation.artifacts import ArtifactSet, import_directory, load_manifest, verify_directory


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``artifacts`` with its ``verify`` and ``import`` sub-commands to ``subparsers``."""
    parser = subparsers.add_parser("artifacts", help="verify or import the official validation artefacts")
    sub = parser.add_subparsers(dest="artifacts_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])

    verify = sub.add_parser("verify", help="check a directory against the manifest (SHA-256 of every file)")
    verify.add_argument("directory", nargs="?", type=Path, metavar="DIR", help="default: STORNO_ARTIFACTS_DIR")
    verify.set_defaults(func=verify_command)

    imp = sub.add_parser("import", help="verify SRC, then copy the manifest's files into the data directory")
    imp.add_argument("source", type=Path, metavar="SRC", help="a directory laid out like the official distributions")
    imp.add_argument("--dest", type=Path, help="default: $STORNO_DATA_DIR/artifacts")
    imp.set_defaults(func=import_command)


def verify_command(args: argparse.Namespace) -> int:
    """Verify DIR (or ``STORNO_ARTIFACTS_DIR``, or the bundled copies); 0 when all match, 1 otherwise."""
    manifest = load_manifest()
    directory = args.directory or (Path(os.environ["STORNO_ARTIFACTS_DIR"]) if os.environ.get("STORNO_ARTIFACTS_DIR") else None)
    try:
        if directory is None:
            return _verify_bundled()
        entries = verify_directory(directory, manifest)
    except ArtifactError as exc:
        print(f"storno artifacts: {exc}", file=sys.stderr)
        return 1
    size = sum(e.bytes for e in entries) / 1e6
    print(f"{len(entries)} of {len(manifest.files)} manifest files verified in {directory} ({size:.1f} MB, SHA-256 match).")
    return 0


def _verify_bundled() -> int:
    """Check the bundled copies a package-only install would use (raises ArtifactError)."""
    bundled = ArtifactSet.bundled()
    for package, record in bundled.manifest.bundled.items():
        root, reason = bundled.verify_bundled(package)
        if root is None:
            print(f"{record.distribution}: not verified, {reason}.")
            continue
        print(f"{len(record.files)} bundled files of {record.distribution} {record.version} verified (SHA-256 match).")
    print("No artefact directory given (DIR or STORNO_ARTIFACTS_DIR): layers without a bundled copy will not run.")
    return 0


def import_command(args: argparse.Namespace) -> int:
    """Verify SRC and copy it into ``--dest``; 0 on success, 1 with one sentence otherwise."""
    dest = args.dest or Path(os.environ.get("STORNO_DATA_DIR") or "data") / "artifacts"
    try:
        entries = import_directory(args.source, dest)
    except ArtifactError as exc:
        print(f"storno artifacts: {exc}", file=sys.stderr)
        return 1
    print(f"{len(entries)} files verified and copied into {dest.resolve()}; set STORNO_ARTIFACTS_DIR={dest.resolve()}.")
    return 0
