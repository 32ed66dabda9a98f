"""Every process passes the licence gate first: the real ``storno serve``, ``storno worker``,
``storno scheduler`` and ``storno migrate`` commands in subprocesses, with bad licences (one
sentence, non-zero exit), a licence in its grace period (starts, warns), networking disabled
(verification is offline), and ``storno plugins`` naming each provider the licence blocks."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from license.issue import issue_license
from license.keys import DEV_KEY_ID
from tests.support.licences import dev_licence

REPO = Path(__file__).resolve().parents[2]
DAY = dt.timedelta(days=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _tampered() -> str:
    header, payload, signature = dev_licence(providers=["anaf"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["max_companies"] = 1000
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode("ascii")
    return f"{header}.{forged}.{signature}"


def _unknown_key() -> str:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    now = _now()
    return issue_license(pem, kid="prod-2031", subject="ACME SRL", plan="pro", providers=["*"],
                         not_before=now - DAY, expires=now + 30 * DAY)


BAD_LICENCES = {
    "tampered": (_tampered, "The licence signature does not match: the licence was altered or not issued by the licensor."),
    "expired beyond grace": (
        lambda: dev_licence(not_before=_now() - 90 * DAY, expires=_now() - 20 * DAY, providers=["*"]),
        "grace period ended on",
    ),
    "wrong audience": (lambda: dev_licence(audience="another-product", providers=["*"]), "The licence is not issued for this product"),
    "unknown key": (_unknown_key, "The licence was signed with key 'prod-2031', which this appliance does not know."),
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORNO_")}
    env.update(STORNO_DATA_DIR=str(tmp_path / "data"), STORNO_ENV="development", PYTHONWARNINGS="ignore")
    env.update(extra)
    return env


def _storno(*args: str, env: dict[str, str], prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "core.cli", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def _one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("storno") and line.endswith("."), line
    return line


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker", "--threads", "1"], ["scheduler"], ["migrate"]])
@pytest.mark.parametrize("kind", list(BAD_LICENCES))
def test_a_bad_licence_stops_every_process_with_one_sentence(command, kind, tmp_path):
    make, sentence = BAD_LICENCES[kind]
    result = _storno(*command, env=_env(tmp_path, STORNO_LICENSE=make()))
    assert result.returncode != 0
    assert sentence in _one_sentence(result.stderr)
    assert result.stdout == ""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _grace_licence() -> str:
    return dev_licence(not_before=_now() - 60 * DAY, expires=_now() - 3 * DAY, providers=["*"])


def test_serve_starts_within_grace_with_a_warning(tmp_path):
    port = _port()
    env = _env(tmp_path, STORNO_LICENSE=_grace_licence())
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None and answer.json() == {"status": "ok"}
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert "The licence expired on" in stderr and "unless a renewed licence is installed" in stderr


def test_worker_starts_within_grace_with_a_warning(tmp_path):
    env = _env(tmp_path, STORNO_LICENSE=_grace_licence())
    assert _storno("migrate", env=env).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "worker", "--threads", "1"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "worker running" in line:
                break
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=30)[1]
    stderr = "".join(lines) + rest
    assert "worker running" in stderr, stderr
    assert "The licence expired on" in stderr
    assert proc.returncode == 0


# --- offline ------------------------------------------------------------------------------------

_NO_NETWORK = """\
import socket

def _refuse(self, *args, **kwargs):
    raise OSError("networking is disabled in this test")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = lambda *a, **k: _refuse(None)
"""


def test_licence_show_and_the_gate_work_without_any_network(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_NO_NETWORK, encoding="utf-8")
    token = dev_licence(max_companies=4, providers=["anaf"])
    env = _env(tmp_path, STORNO_LICENSE=token, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    prefixes: list[tuple[str, ...]] = [()]
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        prefixes.append(("unshare", "-rn"))  # a new network namespace: not even loopback is up
    for prefix in prefixes:
        probe = _storno("license", "show", env={**env, "PYTHONPATH": str(REPO)}, prefix=prefix) if prefix else None
        shown = _storno("license", "show", env=env, prefix=prefix)
        assert shown.returncode == 0, shown.stderr
        assert "organisation:   ACME SRL" in shown.stdout and "max companies:  4" in shown.stdout
        assert "days left:      29" in shown.stdout or "days left:      30" in shown.stdout
        migrated = _storno("migrate", env=env, prefix=prefix)
        assert migrated.returncode == 0, migrated.stderr
        if probe is not None:
            assert probe.returncode == 0, probe.stderr
    # the sitecustomize really is in force: a connection attempt fails in that interpreter
    check = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode != 0 and "networking is disabled" in check.stderr


# --- storno plugins -----------------------------------------------------------------------------


def test_plugins_names_each_provider_the_licence_blocks(tmp_path):
    blocked = _storno("plugins", env=_env(tmp_path, STORNO_LICENSE=dev_licence(providers=["xrechnung"])))
    assert blocked.returncode == 0, blocked.stderr
    line = next(line for line in blocked.stdout.splitlines() if line.startswith("anaf "))
    assert "skipped" in line and "not covered by the licence" in line
    allowed = _storno("plugins", env=_env(tmp_path, STORNO_LICENSE=dev_licence(providers=["anaf"])))
    line = next(line for line in allowed.stdout.splitlines() if line.startswith("anaf "))
    assert "loaded" in line and "ANAF e-Factura" in line


# --- no production private key in the repository ------------------------------------------------


def test_no_private_key_is_tracked_except_the_development_key():
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    marker = b"-----BEGIN " + b"PRIVATE KEY-----"
    markers = (marker, marker.replace(b"BEGIN ", b"BEGIN RSA "), marker.replace(b"BEGIN ", b"BEGIN EC "),
               marker.replace(b"BEGIN ", b"BEGIN OPENSSH "), marker.replace(b"BEGIN ", b"BEGIN ENCRYPTED "))
    holders = []
    for name in filter(None, files):
        path = REPO / name.decode()
        if path.is_file() and any(m in path.read_bytes() for m in markers):
            holders.append(name.decode())
    assert holders == ["license/dev_private_key.pem"]
    # and that key is the development one: its public half is the bundled dev-2026 key
    from license.issue import key_id_for

    assert key_id_for((REPO / holders[0]).read_bytes()) == DEV_KEY_ID


def test_license_show_reads_the_licence_installed_in_the_data_directory(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "license.jwt").write_text(dev_licence(subject="Installed SRL", max_companies=7, providers=["*"]) + "\n", encoding="utf-8")
    shown = _storno("license", "show", env=_env(tmp_path))
    assert shown.returncode == 0, shown.stderr
    assert "organisation:   Installed SRL" in shown.stdout and "max companies:  7" in shown.stdout
    assert "source:         data directory" in shown.stdout
    overridden = _storno("license", "show", env=_env(tmp_path, STORNO_LICENSE=dev_licence(subject="Env SRL", providers=["*"])))
    assert "organisation:   Env SRL" in overridden.stdout and "source:         STORNO_LICENSE" in overridden.stdout
    (data / "license.jwt").write_text(_tampered(), encoding="utf-8")
    refused = _storno("serve", "--port", "0", env=_env(tmp_path))
    assert refused.returncode != 0 and "signature does not match" in _one_sentence(refused.stderr)
