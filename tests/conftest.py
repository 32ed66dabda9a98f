"""Shared fixtures: databases (SQLite always, PostgreSQL when STORNO_TEST_DATABASE_URL is set),
the official artefacts, the plugin registry (explicit, never autoloaded) and a running appliance."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.sql import execute

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


def _migrate(url: str, data_dir: Path) -> None:
    from core.db import engine as db
    from core.settings import load_settings

    async def run() -> None:
        await db.connect(load_settings({"STORNO_DATA_DIR": str(data_dir), "STORNO_DATABASE_URL": url}), pool=False)
        try:
            await db.migrate()
        finally:
            await db.disconnect()

    asyncio.run(run())


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Databases migrated once per session, copied for each test (migrating every test's
    database would dominate the suite's time on PostgreSQL)."""
    work = tmp_path_factory.mktemp("templates")
    sqlite_path = work / "template.sqlite"
    _migrate(f"sqlite:///{sqlite_path}", work)
    with sqlite3.connect(sqlite_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    templates = {"sqlite": str(sqlite_path)}
    if PG_URL:
        name = f"storno_template_{uuid.uuid4().hex[:12]}"
        base, _, _ = PG_URL.rpartition("/")
        execute(PG_URL, f'CREATE DATABASE "{name}"')
        _migrate(f"{base}/{name}", work)
        templates["postgres"] = name
    try:
        yield templates
    finally:
        if PG_URL:
            execute(PG_URL, f'DROP DATABASE IF EXISTS "{templates["postgres"]}" WITH (FORCE)')


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: dict[str, str]) -> Iterator[str]:
    """A fresh database with every migration applied: a copy of the migrated SQLite file, or a new
    PostgreSQL database made from the migrated template and dropped afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "storno.sqlite"
        shutil.copyfile(migrated_templates["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    name = f"storno_test_{uuid.uuid4().hex[:12]}"
    base, _, _ = PG_URL.rpartition("/")
    execute(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{migrated_templates["postgres"]}"')
    try:
        yield f"{base}/{name}"
    finally:
        execute(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, database_url: str, artifacts_dir: Path):
    from core.settings import load_settings

    return load_settings(
        {"STORNO_ENV": "development", "STORNO_DATA_DIR": str(tmp_path / "data"), "STORNO_DATABASE_URL": database_url, "STORNO_ARTIFACTS_DIR": str(artifacts_dir)}
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis (:func:`tests.support.redis_server.redis_server`); skips only when there is none."""
    from tests.support.redis_server import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        if url is None:
            pytest.skip("no Redis: set STORNO_TEST_REDIS_URL or install redis-server")
        yield url


@pytest.fixture(scope="session")
def registry():
    """The shipped plugins, registered explicitly."""
    from core.plugins import load_plugins
    from plugins.anaf import plugin as anaf

    return load_plugins(modules=[("anaf", anaf)])
