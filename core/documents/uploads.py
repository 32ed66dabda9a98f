"""Checks shared by the file uploads of the appliance (invoice attachments, the company logo).

An upload is one ``multipart/form-data`` part ``file``. :func:`checked_content` answers 400 when
the part is missing or empty and :class:`FileTooLarge` (413 ``FILE_TOO_LARGE``) above the
endpoint's limit; :class:`InvalidType` (415 ``INVALID_TYPE``) is raised by the caller for a type
it does not take. :data:`SIGNATURES` are the leading bytes that identify the binary types both
endpoints check (PDF 1.7 §7.5.2, PNG ISO/IEC 15948 §5.2, JPEG SOI + marker ITU T.81 B.1.1.2).
"""

from __future__ import annotations

from core.errors import BadRequest, StornoError

__all__ = ["SIGNATURES", "FileTooLarge", "InvalidType", "checked_content"]

#: Leading bytes of a file by its media type.
SIGNATURES = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


class FileTooLarge(StornoError):
    """413: the upload is larger than the endpoint's limit (``limit`` in bytes in the body)."""

    status = 413
    code = "FILE_TOO_LARGE"


class InvalidType(StornoError):
    """415: the file's type is not one the endpoint takes."""

    status = 415
    code = "INVALID_TYPE"


def checked_content(content: bytes | None, max_bytes: int, noun: str) -> bytes:
    """``content`` of the ``file`` part, present, not empty and at most ``max_bytes``.

    Raises :class:`core.errors.BadRequest` (no part, empty file) or :class:`FileTooLarge`;
    ``noun`` names the upload in the messages (``file``, ``logo``).
    """
    if content is None:
        raise BadRequest(f"Send the {noun} as multipart/form-data in the part 'file'.", field="file")
    if not content:
        raise BadRequest("The file is empty.", field="file")
    if len(content) > max_bytes:
        raise FileTooLarge(f"The {noun} is larger than {max_bytes // (1024 * 1024)} MB.", limit=max_bytes)
    return content
