"""``storno serve --sandbox`` starts the API and the ANAF simulator; a bad licence stops it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_sandbox_answers_and_stops(tmp_path: Path):
    port = _port()
    env = {**os.environ, "STORNO_DATA_DIR": str(tmp_path), "STORNO_ENV": "development"}
    env.pop("STORNO_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--sandbox", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        register = httpx.post(f"http://127.0.0.1:{port}/api/auth/register", json={"email": "a@b.ro", "password": "a-long-password-1"})
        assert register.status_code == 201, register.text
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "sandbox: anaf simulator at http://127.0.0.1:" in output


def test_serve_refuses_to_start_without_a_licence_in_production(tmp_path: Path):
    env = {**os.environ, "STORNO_DATA_DIR": str(tmp_path), "STORNO_ENV": "production"}
    for name in ("STORNO_LICENSE", "STORNO_LICENSE_FILE", "STORNO_DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "core.cli", "serve", "--port", str(_port())], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "licence" in result.stderr.lower() and len(result.stderr.strip().splitlines()) == 1
