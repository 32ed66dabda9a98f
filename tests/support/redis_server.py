"""A real Redis for the tests of distributed mode (rate limits shared between replicas, the
dramatiq broker): STORNO_TEST_REDIS_URL when set, else a throw-away ``redis-server`` started on a
free 127.0.0.1 port without persistence."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["redis_server"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def redis_server(work_dir: Path) -> Iterator[str | None]:
    """Yields a ``redis://`` URL, or None when neither STORNO_TEST_REDIS_URL nor ``redis-server``
    on PATH is available. A started server answers PING before the URL is yielded (else
    RuntimeError) and is stopped when the block ends."""
    configured = os.environ.get("STORNO_TEST_REDIS_URL", "").strip()
    binary = shutil.which("redis-server")
    if configured or binary is None:
        yield configured or None
        return
    import redis

    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
