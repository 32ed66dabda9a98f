"""Shared fixtures: databases (SQLite always, PostgreSQL when STORNO_TEST_DATABASE_URL is set),
the official artefacts, the plugin registry (explicit, never autoloaded) and a running appliance."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("STORNO_ENV", "development")  # the development licence; simulators only

REPO = Path(__file__).resolve().parents[1]
_SHARED = (REPO.parent / "shared" / "conformance").resolve()
if _SHARED.is_dir():  # the validation engine reads the variable itself
    os.environ.setdefault("STORNO_ARTIFACTS_DIR", str(_SHARED))
PG_URL = os.environ.get("STORNO_TEST_DATABASE_URL", "").strip()
ENGINES = ["sqlite"] + (["postgres"] if PG_URL else [])


def conformance_dir() -> Path:
    """The official artefacts: STORNO_ARTIFACTS_DIR, else ../shared/conformance beside the repo."""
    configured = os.environ.get("STORNO_ARTIFACTS_DIR")
    return Path(configured) if configured else (REPO.parent / "shared" / "conformance").resolve()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = conformance_dir()
    if not path.is_dir():
        pytest.skip("the official artefacts (../shared/conformance or STORNO_ARTIFACTS_DIR) are not available")
    return path


def _admin(url: str, sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'storno.sqlite'}"
        return
    name = f"storno_test_{uuid.uuid4().hex[:12]}"
    base, _, _ = PG_URL.rpartition("/")
    _admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, database_url: str, artifacts_dir: Path):
    from core.settings import load_settings

    return load_settings(
        {"STORNO_ENV": "development", "STORNO_DATA_DIR": str(tmp_path / "data"), "STORNO_DATABASE_URL": database_url, "STORNO_ARTIFACTS_DIR": str(artifacts_dir)}
    )


@pytest.fixture(scope="session")
def registry():
    """The shipped plugins, registered explicitly."""
    from core.plugins import load_plugins
    from plugins.anaf import plugin as anaf

    return load_plugins(modules=[("anaf", anaf)])
