"""Helpers shared by the sub-commands: settings from the environment, one-sentence failures."""

from __future__ import annotations

import os
import sys

from core.errors import ArtifactError, ConfigurationError, LicenseError
from core.settings import Settings, load_settings

__all__ = ["fail", "settings_or_exit", "OPERATOR_ERRORS"]

#: Errors shown to the operator as one sentence with exit status 1.
OPERATOR_ERRORS = (ConfigurationError, LicenseError, ArtifactError)


def fail(message: str, code: int = 1) -> int:
    """Print ``message`` as one line on stderr and return ``code``."""
    print(f"storno: {message}", file=sys.stderr)
    return code


def settings_or_exit(*, development: bool = False, **overrides: object) -> Settings:
    """Load the settings (``development`` forces STORNO_ENV=development unless already set)."""
    if development:
        os.environ.setdefault("STORNO_ENV", "development")
    try:
        return load_settings(**overrides)
    except ConfigurationError as exc:
        raise SystemExit(fail(str(exc))) from None
