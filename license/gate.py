"""The licence gate every process passes first (``serve``, ``worker``, ``scheduler``, ``migrate``).

Reads the licence from ``STORNO_LICENSE`` (the token), ``STORNO_LICENSE_FILE`` (a file holding
it) or, when neither is set, the licence installed through the API in the data directory
(:data:`INSTALLED_LICENSE_NAME`, see :mod:`core.licensing`), verifies it offline with
:func:`license.verify.verify` and returns the status; no path touches the network. With
``STORNO_ENV=development`` and no licence configured, a development licence is minted in memory
with the development key so the demo and the tests need nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import msgspec

from core.errors import LicenseError
from license.claims import ALL_PROVIDERS, LicenseStatus
from license.issue import issue_license
from license.keys import BUNDLED_KEYS, DEV_KEY_ID, BundledKey, dev_private_key_pem
from license.verify import verify

__all__ = [
    "DEVELOPMENT_VALIDITY",
    "INSTALLED_LICENSE_NAME",
    "SOURCE_INSTALLED",
    "data_dir_of",
    "issue_license",
    "load_token",
    "run_gate",
    "run_gate_or_exit",
]

log = logging.getLogger(__name__)

#: Validity of the development licence minted when none is configured.
DEVELOPMENT_VALIDITY = dt.timedelta(days=30)
#: File name of the licence installed through ``POST /api/v1/licensing/keys``, in the data directory.
INSTALLED_LICENSE_NAME = "license.jwt"
#: ``LicenseStatus.source`` of a licence read from :data:`INSTALLED_LICENSE_NAME`.
SOURCE_INSTALLED = "data directory"


def run_gate(
    process: str,
    *,
    environ: Mapping[str, str] = os.environ,
    now: dt.datetime | None = None,
    keys: Mapping[str, BundledKey] = BUNDLED_KEYS,
    data_dir: Path | None = None,
) -> LicenseStatus:
    """Check this process's licence and return its status; call it before loading plugins.

    ``process`` names the caller for the log (``"serve"``, ``"worker"``, ...). ``environ`` is
    read for ``STORNO_ENV`` (anything but ``"development"`` counts as production),
    ``STORNO_LICENSE`` and ``STORNO_LICENSE_FILE`` (the former wins), then the installed licence
    in ``data_dir`` (default :func:`data_dir_of` ``environ``). ``now`` is an aware datetime,
    default the current UTC time. A status within the grace period is logged as a warning and
    returned.

    Raises :class:`core.errors.LicenseError` with one sentence: no licence in production, an
    unreadable or empty licence file, or anything :func:`license.verify.verify` refuses.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    environment = "development" if environ.get("STORNO_ENV", "").strip() == "development" else "production"
    found = load_token(environ, data_dir=data_dir)
    if found is None:
        if environment != "development":
            raise LicenseError("No licence: set STORNO_LICENSE or STORNO_LICENSE_FILE.")
        token, source = _development_token(now), "development default"
    else:
        token, source = found
    status = verify(token, now=now, environment=environment, keys=keys)
    status = msgspec.structs.replace(status, source=source)
    claims = status.claims
    log.info(
        "licence for %s: %s, plan %s, providers %s, %d days left (%s, process %s)",
        claims.sub, claims.kid, claims.plan, ",".join(claims.providers), status.days_left, source, process,
    )
    if status.warning:
        log.warning("%s (process %s)", status.warning, process)
    return status


def run_gate_or_exit(
    process: str, *, environ: Mapping[str, str] = os.environ, data_dir: Path | None = None
) -> LicenseStatus:
    """:func:`run_gate`, but a refusal prints its sentence on stderr and exits with status 1.

    For command entry points (``storno serve``, ``storno worker``, ...), before anything else runs.
    """
    try:
        return run_gate(process, environ=environ, data_dir=data_dir)
    except LicenseError as exc:
        print(f"storno {process}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def data_dir_of(environ: Mapping[str, str]) -> Path:
    """The data directory as :func:`core.settings.load_settings` reads it (``STORNO_DATA_DIR``, default ``./data``)."""
    return Path(environ.get("STORNO_DATA_DIR") or "data").expanduser().resolve()


def load_token(environ: Mapping[str, str], *, data_dir: Path | None = None) -> tuple[str, str] | None:
    """The configured licence token and where it came from, or None when none is configured.

    Returns ``(token, "STORNO_LICENSE")``, ``(token, "STORNO_LICENSE_FILE")`` or, when neither
    variable is set and ``data_dir`` (default :func:`data_dir_of` ``environ``) holds
    :data:`INSTALLED_LICENSE_NAME`, ``(token, SOURCE_INSTALLED)``. Raises
    :class:`core.errors.LicenseError` when a named file cannot be read or is empty.
    """
    token = environ.get("STORNO_LICENSE", "").strip()
    if token:
        return token, "STORNO_LICENSE"
    path = environ.get("STORNO_LICENSE_FILE", "").strip()
    if not path:
        installed = (data_dir or data_dir_of(environ)) / INSTALLED_LICENSE_NAME
        try:
            token = installed.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise LicenseError(f"The installed licence {installed} cannot be read ({reason}).") from None
        return (token, SOURCE_INSTALLED) if token else None
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise LicenseError(f"STORNO_LICENSE_FILE points at {path}, which cannot be read ({reason}).") from None
    if not token:
        raise LicenseError(f"STORNO_LICENSE_FILE points at {path}, which is empty.")
    return token, "STORNO_LICENSE_FILE"


def _development_token(now: dt.datetime) -> str:
    """A development licence for every provider, valid for :data:`DEVELOPMENT_VALIDITY` from ``now``."""
    return issue_license(
        dev_private_key_pem(),
        kid=DEV_KEY_ID,
        subject="Development",
        plan="development",
        providers=[ALL_PROVIDERS],
        not_before=now,
        expires=now + DEVELOPMENT_VALIDITY,
    )
