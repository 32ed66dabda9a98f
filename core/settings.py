"""One typed settings object, read from environment variables at the edge.

Imports no feature code. Every variable is documented in the README ("Settings").

| variable | default | meaning |
|---|---|---|
| ``STORNO_ENV`` | ``production`` | ``development`` for the demo, the sandbox and the tests |
| ``STORNO_DATA_DIR`` | ``./data`` | SQLite file, stored XML, outboxes, overrides |
| ``STORNO_DATABASE_URL`` | SQLite file in the data dir | ``postgresql://user:pass@host:5432/db`` or ``sqlite:///path`` |
| ``STORNO_BROKER_URL`` | empty: embedded broker | ``redis://host:6379/0`` for distributed mode |
| ``STORNO_REDIS_URL`` | the broker URL when it is ``redis://``/``rediss://`` | Redis holding the rate limits shared by every replica |
| ``STORNO_RATE_LIMITS`` | ``off`` in development, else ``production`` | ``production``: the limits of objects.md §9; ``off``: unlimited |
| ``STORNO_ARTIFACTS_DIR`` | empty: bundled subset | official XSD/schematron directory |
| ``STORNO_LICENSE`` / ``STORNO_LICENSE_FILE`` | empty | the licence JWT (read by :mod:`license.gate`, not here) |
| ``STORNO_SECRET_KEY`` / ``STORNO_SECRET_KEY_FILE`` | generated into the data dir | key for access tokens |
| ``STORNO_ENCRYPTION_KEY`` / ``STORNO_ENCRYPTION_KEY_FILE`` | generated into the data dir (``encryption.key``) | AES-256 key (64 hex digits or base64) sealing stored provider tokens and credentials (:mod:`core.crypto`) |
| ``STORNO_ENCRYPTION_OLD_KEYS`` / ``STORNO_ENCRYPTION_OLD_KEYS_FILE`` | empty | comma-separated former keys, read only, while stored values are re-sealed (rotation) |
| ``STORNO_OPEN_REGISTRATION`` | ``false`` | anyone may register a new organisation |
| ``STORNO_PLUGINS`` | empty: every installed plugin | comma-separated allow-list of provider codes |
| ``STORNO_TRACE_PLUGINS`` | ``false`` | log every provider hook call |
| ``STORNO_MAX_BODY_BYTES`` | ``10485760`` | request body limit (bytes) |
| ``STORNO_SMTP_URL`` / ``STORNO_SMTP_URL_FILE`` | empty: mail stays in the outbox directory | ``smtp://user:pass@host:587`` (STARTTLS) or ``smtps://…:465`` |
| ``STORNO_MAIL_FROM`` | ``storno@localhost`` | sender address of the appliance's e-mail |
| ``STORNO_PUBLIC_URL`` | ``http://localhost:8000`` | base of the links put in e-mails (confirmation, reset, invitations) |
| ``STORNO_GOOGLE_CLIENT_ID`` | empty: Google sign-in off | OAuth client id; the audience of Google ID tokens (``POST /api/auth/google``) |
| ``STORNO_GOOGLE_JWKS_URL`` | Google's ``oauth2/v3/certs`` | where Google's token-signing keys (JWKS) are fetched from |
| ``STORNO_VIES_URL`` | the EC's VIES REST ``check-vat-number`` | EU VAT number checks (``GET /api/v1/clients/vies-lookup``) |
| ``STORNO_ANAF_*`` | ANAF production hosts | see :mod:`plugins.anaf.settings` |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

from core.errors import ConfigurationError

__all__ = ["Settings", "load_settings"]

#: The European Commission's VIES REST service (``POST`` ``{"countryCode", "vatNumber"}``).
VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
#: Google's published signing keys of its ID tokens (JWKS, RFC 7517).
GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """The appliance's settings (see the module docstring for each variable)."""

    env: str = "production"
    data_dir: Path = Path("data")
    database_url: str = ""
    broker_url: str = ""
    redis_url: str = ""
    rate_limits: str = "production"
    artifacts_dir: Path | None = None
    secret_key: str = ""
    encryption_key: str = ""
    encryption_old_keys: tuple[str, ...] = ()
    open_registration: bool = False
    plugins_allow: tuple[str, ...] = ()
    trace_plugins: bool = False
    max_body_bytes: int = 10 * 1024 * 1024
    sandbox: bool = False
    vies_url: str = VIES_URL
    smtp_url: str = ""
    mail_from: str = "storno@localhost"
    public_url: str = "http://localhost:8000"
    google_client_id: str = ""
    google_jwks_url: str = GOOGLE_JWKS_URL
    provider_settings: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)

    @property
    def development(self) -> bool:
        """True in ``STORNO_ENV=development`` (demo, sandbox, tests)."""
        return self.env == "development"

    @property
    def is_postgres(self) -> bool:
        """True when the database is PostgreSQL."""
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file (only meaningful when not :attr:`is_postgres`)."""
        url = self.database_url
        return Path(url.removeprefix("sqlite:///")) if url else self.data_dir / "storno.sqlite"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker secrets)."""
    if env.get(name):
        return env[name].strip()
    path = env.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE points at {path}, which cannot be read ({exc.strerror}).") from None
    return None


def _key(env: Mapping[str, str], name: str, path: Path) -> str:
    """The key named ``name`` from the environment (or ``name_FILE``), else the one in ``path``,
    generated there once (64 hex digits, mode 0600) when absent. The file is created exclusively,
    so concurrent processes of one appliance starting together all end up with the same key."""
    key = _secret(env, name)
    if key:
        return key
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this appliance generated it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    """The token-signing key (``STORNO_SECRET_KEY``), else ``secret.key`` in the data directory."""
    return _key(env, "STORNO_SECRET_KEY", data_dir / "secret.key")


def _encryption_key(env: Mapping[str, str], data_dir: Path) -> str:
    """The key sealing stored secrets (``STORNO_ENCRYPTION_KEY``), else ``encryption.key`` in the data directory.

    Losing a generated key makes the stored provider tokens unreadable: back it up with the data.
    """
    return _key(env, "STORNO_ENCRYPTION_KEY", data_dir / "encryption.key")


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read :class:`Settings` from ``environ`` (default ``os.environ``); ``overrides`` win.

    Raises :class:`core.errors.ConfigurationError` with one sentence when a value is invalid.
    """
    env = os.environ if environ is None else environ
    mode = env.get("STORNO_ENV", "production").strip() or "production"
    if mode not in {"production", "development"}:
        raise ConfigurationError(f"STORNO_ENV must be 'production' or 'development', not {mode!r}.")
    data_dir = Path(env.get("STORNO_DATA_DIR") or "data").expanduser().resolve()
    database_url = env.get("STORNO_DATABASE_URL", "").strip()
    if database_url and not database_url.startswith(("postgres://", "postgresql://", "sqlite:///")):
        raise ConfigurationError("STORNO_DATABASE_URL must start with postgresql:// or sqlite:///.")
    artifacts = env.get("STORNO_ARTIFACTS_DIR", "").strip()
    broker_url = env.get("STORNO_BROKER_URL", "").strip()
    redis_url = env.get("STORNO_REDIS_URL", "").strip() or (broker_url if broker_url.startswith(("redis://", "rediss://")) else "")
    rate_limits = env.get("STORNO_RATE_LIMITS", "").strip() or ("off" if mode == "development" else "production")
    if rate_limits not in {"production", "off"}:
        raise ConfigurationError(f"STORNO_RATE_LIMITS must be 'production' or 'off', not {rate_limits!r}.")
    try:
        max_body = int(env.get("STORNO_MAX_BODY_BYTES") or 10 * 1024 * 1024)
    except ValueError:
        raise ConfigurationError("STORNO_MAX_BODY_BYTES must be a whole number of bytes.") from None
    providers: dict[str, dict[str, str]] = {}
    for name, value in env.items():
        # STORNO_ANAF_API_BASE_URL -> provider_settings["anaf"]["api_base_url"]
        parts = name.split("_", 2)
        if len(parts) == 3 and parts[0] == "STORNO" and parts[1].isupper() and parts[1].lower() in _PROVIDER_CODES:
            providers.setdefault(parts[1].lower(), {})[parts[2].lower()] = value
    values: dict[str, object] = {
        "env": mode,
        "data_dir": data_dir,
        "database_url": database_url,
        "broker_url": broker_url,
        "redis_url": redis_url,
        "rate_limits": rate_limits,
        "artifacts_dir": Path(artifacts).expanduser().resolve() if artifacts else None,
        "open_registration": _flag(env.get("STORNO_OPEN_REGISTRATION")),
        "plugins_allow": tuple(p.strip() for p in env.get("STORNO_PLUGINS", "").split(",") if p.strip()),
        "trace_plugins": _flag(env.get("STORNO_TRACE_PLUGINS")),
        "max_body_bytes": max_body,
        "vies_url": env.get("STORNO_VIES_URL", "").strip() or VIES_URL,
        "smtp_url": _secret(env, "STORNO_SMTP_URL") or "",
        "mail_from": env.get("STORNO_MAIL_FROM", "").strip() or "storno@localhost",
        "public_url": (env.get("STORNO_PUBLIC_URL", "").strip() or "http://localhost:8000").rstrip("/"),
        "google_client_id": env.get("STORNO_GOOGLE_CLIENT_ID", "").strip(),
        "google_jwks_url": env.get("STORNO_GOOGLE_JWKS_URL", "").strip() or GOOGLE_JWKS_URL,
        "provider_settings": providers,
    }
    values.update(overrides)
    for key in ("data_dir", "artifacts_dir"):
        if isinstance(values.get(key), str):
            values[key] = Path(values[key]).expanduser().resolve()  # type: ignore[arg-type]
    if not values.get("encryption_key"):
        values["encryption_key"] = _encryption_key(env, Path(values["data_dir"]))  # type: ignore[arg-type]
    if "encryption_old_keys" not in overrides:
        old_keys = _secret(env, "STORNO_ENCRYPTION_OLD_KEYS") or ""
        values["encryption_old_keys"] = tuple(k.strip() for k in old_keys.split(",") if k.strip())
    if not values.get("secret_key"):
        values["secret_key"] = _secret_key(env, Path(values["data_dir"]))  # type: ignore[arg-type]
    return Settings(**values)  # type: ignore[arg-type]


_PROVIDER_CODES = frozenset({"anaf", "xrechnung", "sdi", "ksef", "facturx"})
