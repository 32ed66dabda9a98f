"""license.gate and ``storno license``: where the licence comes from and what a process does with it."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import LicenseError
from license.gate import DEVELOPMENT_VALIDITY, run_gate
from license.issue import issue_license
from license.keys import DEV_KEY_ID
from license.verify import verify
from tests.license.conftest import NOW, TEST_PROD_KID

DAY = dt.timedelta(days=1)
REPO = Path(__file__).resolve().parents[2]


def _prod(prod_pair, **kw: object) -> str:
    args: dict[str, object] = dict(
        kid=TEST_PROD_KID, subject="ACME SRL", plan="pro", providers=["anaf"],
        not_before=NOW - DAY, expires=NOW + 30 * DAY,
    )
    args.update(kw)
    return issue_license(prod_pair.private_pem, **args)


def _dev(dev_pem: bytes) -> str:
    return issue_license(
        dev_pem, kid=DEV_KEY_ID, subject="Dev Org", plan="team", providers=["anaf"],
        not_before=NOW - DAY, expires=NOW + 10 * DAY,
    )


# --- run_gate ----------------------------------------------------------------------------------


def test_development_with_nothing_configured_mints_a_development_licence():
    status = run_gate("serve", environ={"STORNO_ENV": "development"}, now=NOW)
    claims = status.claims
    assert status.source == "development default"
    assert status.development and claims.kid == DEV_KEY_ID
    assert (claims.plan, claims.providers) == ("development", ["*"])
    assert claims.nbf == NOW and claims.exp == NOW + DEVELOPMENT_VALIDITY
    assert status.days_left == 30


def test_development_default_uses_the_real_clock_when_now_is_omitted():
    status = run_gate("worker", environ={"STORNO_ENV": "development"})
    assert status.days_left in (29, 30)


@pytest.mark.parametrize("environ", [{}, {"STORNO_ENV": "production"}, {"STORNO_ENV": "Development "}])
def test_missing_licence_in_production_refused(environ):
    with pytest.raises(LicenseError) as info:
        run_gate("serve", environ=environ, now=NOW)
    assert str(info.value) == "No licence: set STORNO_LICENSE or STORNO_LICENSE_FILE."


def test_licence_from_environment_variable(prod_pair, test_keys):
    status = run_gate("serve", environ={"STORNO_LICENSE": _prod(prod_pair) + "\n"}, now=NOW, keys=test_keys)
    assert status.source == "STORNO_LICENSE"
    assert status.claims.sub == "ACME SRL" and not status.development


def test_licence_from_file(prod_pair, test_keys, tmp_path):
    path = tmp_path / "licence.jwt"
    path.write_text(_prod(prod_pair) + "\n", encoding="utf-8")
    status = run_gate("migrate", environ={"STORNO_LICENSE_FILE": str(path)}, now=NOW, keys=test_keys)
    assert status.source == "STORNO_LICENSE_FILE"


def test_variable_wins_over_file(prod_pair, test_keys, tmp_path):
    path = tmp_path / "licence.jwt"
    path.write_text("garbage", encoding="utf-8")
    environ = {"STORNO_LICENSE": _prod(prod_pair), "STORNO_LICENSE_FILE": str(path)}
    assert run_gate("serve", environ=environ, now=NOW, keys=test_keys).source == "STORNO_LICENSE"


def test_unreadable_licence_file_refused(tmp_path):
    missing = tmp_path / "nope.jwt"
    with pytest.raises(LicenseError, match=r"STORNO_LICENSE_FILE points at .*nope\.jwt, which cannot be read"):
        run_gate("serve", environ={"STORNO_LICENSE_FILE": str(missing)}, now=NOW)


def test_empty_licence_file_refused_even_in_development(tmp_path):
    path = tmp_path / "empty.jwt"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(LicenseError, match="which is empty"):
        run_gate("serve", environ={"STORNO_ENV": "development", "STORNO_LICENSE_FILE": str(path)}, now=NOW)


def test_configured_dev_licence_refused_in_production(dev_pem):
    with pytest.raises(LicenseError, match="development licence"):
        run_gate("serve", environ={"STORNO_LICENSE": _dev(dev_pem)}, now=NOW)


def test_configured_licence_is_used_in_development_instead_of_the_default(dev_pem):
    status = run_gate("serve", environ={"STORNO_ENV": "development", "STORNO_LICENSE": _dev(dev_pem)}, now=NOW)
    assert status.claims.sub == "Dev Org" and status.source == "STORNO_LICENSE"


def test_grace_is_logged_as_a_warning(prod_pair, test_keys, caplog):
    token = _prod(prod_pair, not_before=NOW - 60 * DAY, expires=NOW - 2 * DAY)
    with caplog.at_level(logging.INFO, logger="license.gate"):
        status = run_gate("worker", environ={"STORNO_LICENSE": token}, now=NOW, keys=test_keys)
    assert status.in_grace and status.days_left == -2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [status.warning + " (process worker)"]


def test_beyond_grace_refused(prod_pair, test_keys):
    token = _prod(prod_pair, not_before=NOW - 60 * DAY, expires=NOW - 15 * DAY)
    with pytest.raises(LicenseError, match="grace period ended"):
        run_gate("serve", environ={"STORNO_LICENSE": token}, now=NOW, keys=test_keys)


# --- issue_license -----------------------------------------------------------------------------


def test_issue_rejects_naive_and_inverted_times(prod_pair):
    naive = NOW.replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        _prod(prod_pair, not_before=naive)
    with pytest.raises(ValueError, match="after not_before"):
        _prod(prod_pair, expires=NOW - 2 * DAY)


def test_issue_rejects_a_non_ed25519_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        issue_license(pem, kid="x", subject="s", plan="p", providers=["anaf"], not_before=NOW, expires=NOW + DAY)


# --- storno license (subprocess) ---------------------------------------------------------------


def _storno(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("STORNO_")}
    return subprocess.run(
        [sys.executable, "-m", "core.cli", "license", *args],
        env={**base, **env}, cwd=REPO, capture_output=True, text=True, timeout=60,
    )


def test_show_in_development_with_nothing_configured():
    result = _storno("show", STORNO_ENV="development")
    assert result.returncode == 0, result.stderr
    assert "plan:           development" in result.stdout
    assert "days left:      29" in result.stdout or "days left:      30" in result.stdout
    assert "source:         development default" in result.stdout


def test_show_in_production_with_nothing_configured_exits_1_with_one_sentence():
    result = _storno("show", STORNO_ENV="production")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "storno license: No licence: set STORNO_LICENSE or STORNO_LICENSE_FILE.\n"


def test_show_with_a_tampered_licence_exits_1(dev_pem):
    header, _, signature = _dev(dev_pem).split(".")
    forged = f"{header}.{_dev_payload_with_all_providers()}.{signature}"
    result = _storno("show", STORNO_ENV="development", STORNO_LICENSE=forged)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "storno license: The licence signature does not match: "
        "the licence was altered or not issued by the licensor.\n"
    )


def test_show_with_garbage_exits_1():
    result = _storno("show", STORNO_ENV="development", STORNO_LICENSE="e30.e30.e30")
    assert result.returncode == 1
    assert result.stderr == "storno license: The licence is not a well-formed licence token.\n"


def _dev_payload_with_all_providers() -> str:
    payload = {
        "iss": "storno.ro", "sub": "Dev Org", "aud": "storno-appliance", "plan": "team", "providers": ["*"],
        "nbf": int((NOW - DAY).timestamp()), "exp": int((NOW + 10 * DAY).timestamp()),
    }
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode("ascii")


def test_issue_then_show(tmp_path):
    key = tmp_path / "dev.pem"
    key.write_bytes(Path(REPO, "license", "dev_private_key.pem").read_bytes())
    issued = _storno("issue", "--key", str(key), "--org", "ACME SRL", "--plan", "pro",
                     "--providers", "anaf,xrechnung", "--days", "10", "--max-companies", "3")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    claims = verify(token, now=dt.datetime.now(dt.timezone.utc), environment="development").claims
    assert (claims.sub, claims.plan, claims.providers, claims.max_companies, claims.kid) == (
        "ACME SRL", "pro", ["anaf", "xrechnung"], 3, DEV_KEY_ID,
    )
    shown = _storno("show", STORNO_ENV="development", STORNO_LICENSE=token)
    assert shown.returncode == 0, shown.stderr
    assert "organisation:   ACME SRL" in shown.stdout and "providers:      anaf, xrechnung" in shown.stdout
    refused = _storno("show", STORNO_ENV="production", STORNO_LICENSE=token)
    assert refused.returncode == 1 and "development licence" in refused.stderr


def test_issue_with_an_unknown_key_needs_kid(prod_pair, tmp_path):
    key = tmp_path / "other.pem"
    key.write_bytes(prod_pair.private_pem)
    result = _storno("issue", "--key", str(key), "--org", "O", "--plan", "p", "--providers", "*", "--days", "1")
    assert result.returncode == 1
    assert result.stderr == "storno license: the key matches no bundled key id; pass --kid.\n"
    with_kid = _storno("issue", "--key", str(key), "--org", "O", "--plan", "p", "--providers", "*",
                       "--days", "1", "--kid", TEST_PROD_KID)
    assert with_kid.returncode == 0 and with_kid.stdout.count(".") == 2
