"""Content-addressed storage of document artefacts under ``$STORNO_DATA_DIR/documents``.

The row (:class:`core.documents.tables.StoredDocument`) is written in the caller's transaction; the
file is written first, under its SHA-256, so a rolled-back transaction leaves at most an
unreferenced file and never a row without content. A row whose file disappeared is reported
as :class:`core.errors.Gone` (HTTP 410).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from core.documents.tables import StoredDocument
from core.errors import Gone, NotFound

__all__ = ["DocumentStore"]


class DocumentStore:
    """Files under ``root`` (``<data_dir>/documents``), rows in ``stored_documents``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "documents"

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def write_file(self, content: bytes) -> str:
        """Write ``content`` (idempotent) and return its SHA-256 hex digest."""
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)
        return digest

    async def save(
        self,
        *,
        company_id: str,
        invoice_id: str | None,
        kind: str,
        filename: str,
        media_type: str,
        content: bytes,
        dialect: str | None = None,
    ) -> str:
        """Store ``content`` and insert its row (in the caller's transaction); returns the row id."""
        digest = self.write_file(content)
        row = StoredDocument(
            company=company_id,
            invoice=invoice_id,
            kind=kind,
            filename=filename,
            media_type=media_type,
            sha256=digest,
            size=len(content),
            dialect=dialect,
        )
        await StoredDocument.insert(row).run()
        return row.id

    async def latest(self, invoice_id: str, kind: str) -> dict | None:
        """The newest row of ``kind`` for the invoice, or None."""
        return (
            await StoredDocument.select()
            .where((StoredDocument.invoice == invoice_id) & (StoredDocument.kind == kind))
            .order_by(StoredDocument.created_at, ascending=False)
            .first()
            .run()
        )

    async def read(self, invoice_id: str, kind: str) -> tuple[dict, bytes]:
        """The newest artefact of ``kind``: (row, bytes). NotFound without a row; Gone when the file is missing."""
        row = await self.latest(invoice_id, kind)
        if row is None:
            raise NotFound(f"No {kind} is stored for this document.")
        path = self._path(row["sha256"])
        try:
            return row, path.read_bytes()
        except FileNotFoundError:
            raise Gone(f"The stored {kind} file {row['filename']} is no longer available.") from None

    async def read_id(self, document_id: str) -> bytes:
        """The bytes of the stored document ``document_id``; NotFound without a row, Gone when the file is missing."""
        row = await StoredDocument.select().where(StoredDocument.id == document_id).first().run()
        if row is None:
            raise NotFound("The stored document does not exist.")
        try:
            return self._path(row["sha256"]).read_bytes()
        except FileNotFoundError:
            raise Gone(f"The stored file {row['filename']} is no longer available.") from None
