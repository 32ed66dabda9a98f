"""Shared fixtures: the official artefact directory, a verified set over it, and pipelines by dialect.

The artefacts come from ``STORNO_ARTIFACTS_DIR`` or ``../shared/conformance`` next to the
repository; these tests judge with the official files only, so a missing directory fails them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.validation.artifacts import ArtifactSet, load_manifest
from core.validation.pipelines import DEFAULT_PIPELINES
from core.views import ValidationPipeline
from plugins.anaf.pipeline import PIPELINES as ANAF_PIPELINES

ARTIFACTS = Path(
    os.environ.get("STORNO_ARTIFACTS_DIR") or Path(__file__).resolve().parents[3] / ".." / "shared" / "conformance"
).resolve()

#: Every pipeline these tests know, by dialect.
PIPELINES: dict[str, ValidationPipeline] = {**DEFAULT_PIPELINES, **ANAF_PIPELINES}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>
"""


def sample(relative: str) -> bytes:
    """The bytes of an official sample, by path relative to the artefact directory."""
    return (ARTIFACTS / relative).read_bytes()


@pytest.fixture(scope="session")
def artifacts() -> ArtifactSet:
    """The official artefact directory, verified against the manifest once per session."""
    assert ARTIFACTS.is_dir(), f"the official artefacts are needed at {ARTIFACTS} (or set STORNO_ARTIFACTS_DIR)"
    return ArtifactSet.from_directory(ARTIFACTS)


@pytest.fixture
def artifact_copy(tmp_path: Path, artifacts: ArtifactSet) -> Path:
    """A fresh copy of the manifest's files in ``tmp_path/artifacts``, safe to alter."""
    dest = tmp_path / "artifacts"
    for entry in load_manifest().files:
        (dest / entry.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / entry.path, dest / entry.path)
    return dest
