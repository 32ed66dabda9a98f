"""The offline licence: claims, bundled public keys, the pure :func:`verify`, and the process gate.

Every process calls :func:`run_gate` (or :func:`run_gate_or_exit`) before loading plugins; the
returned :class:`LicenseStatus` tells the plugin manager which providers are licensed.
"""

from license.claims import LicenseClaims, LicenseStatus
from license.gate import run_gate, run_gate_or_exit
from license.issue import issue_license
from license.verify import verify

__all__ = ["LicenseClaims", "LicenseStatus", "issue_license", "run_gate", "run_gate_or_exit", "verify"]
