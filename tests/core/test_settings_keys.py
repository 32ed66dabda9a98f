"""The token-signing and encryption keys: from the environment when given, else generated once into
the data directory (mode 0600) and read back unchanged on the next start."""

from __future__ import annotations

import stat

from core.settings import load_settings


def test_generated_keys_are_private_and_stable_across_starts(tmp_path):
    first = load_settings({"STORNO_DATA_DIR": str(tmp_path / "data")})
    for name in ("secret.key", "encryption.key"):
        assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600
    again = load_settings({"STORNO_DATA_DIR": str(tmp_path / "data")})
    assert (again.secret_key, again.encryption_key) == (first.secret_key, first.encryption_key)
    assert first.secret_key != first.encryption_key and len(first.secret_key) == 64


def test_the_environment_wins_over_the_generated_files(tmp_path):
    load_settings({"STORNO_DATA_DIR": str(tmp_path)})
    given = load_settings({"STORNO_DATA_DIR": str(tmp_path), "STORNO_SECRET_KEY": "s" * 40, "STORNO_ENCRYPTION_KEY": "e" * 64})
    assert (given.secret_key, given.encryption_key) == ("s" * 40, "e" * 64)
