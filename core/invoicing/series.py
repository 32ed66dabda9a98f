"""Document series: the numbering series of a company (objects.md §3.5, §6), service and routes.

A series is ``prefix`` + ``current_number`` (the last number used); the next document number is
the prefix followed by ``current_number + 1`` zero-padded to 4 digits, no separator (``FCT0043``;
longer numbers simply grow). Prefixes are unique per company across all types (409). A company
gets ``FCT`` (invoice), ``PRO`` (proforma), ``CH`` (receipt) and ``BON`` (voucher) when it is
added (:func:`create_defaults`). The invoicing service picks the series of a new document with
:func:`default_series` and increments the counter under a row lock when issuing.

This module writes ``document_series`` except the counter increment at issue, which belongs to
the invoicing service's issuing transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from core.api.json import view
from core.auth.context import CompanyContext
from core.auth.permissions import require
from core.db.engine import is_unique_violation, write_transaction
from core.errors import Conflict, NotFound, Unprocessable
from core.invoicing.tables import DocumentSeries, Invoice

__all__ = [
    "DEFAULT_SERIES",
    "ROUTES",
    "SERIES_TYPES",
    "Series",
    "SeriesIn",
    "SeriesList",
    "SeriesPatch",
    "create_defaults",
    "create_series",
    "default_series",
    "delete_series",
    "format_number",
    "list_series",
    "series_json",
    "set_default",
    "update_series",
]

#: Document kinds a series can number (objects.md §3.5).
SERIES_TYPES = ("invoice", "proforma", "credit_note", "delivery_note", "receipt", "voucher")
#: The series every new company gets (objects.md §6): (prefix, type).
DEFAULT_SERIES = (("FCT", "invoice"), ("PRO", "proforma"), ("CH", "receipt"), ("BON", "voucher"))
NOT_FOUND = "Document series not found."
UNSET = msgspec.UNSET


def format_number(prefix: str, number: int) -> str:
    """``prefix`` + ``number`` zero-padded to 4 digits (``format_number("FCT", 43) == "FCT0043"``)."""
    return f"{prefix}{number:04d}"


def _check_prefix(prefix: str) -> str:
    prefix = prefix.strip()
    if not 1 <= len(prefix) <= 50 or any(ch.isspace() for ch in prefix):
        raise msgspec.ValidationError("prefix is required: 1 to 50 characters without spaces")
    return prefix


def _check_type(kind: str) -> None:
    if kind not in SERIES_TYPES:
        raise msgspec.ValidationError(f"type must be one of: {', '.join(SERIES_TYPES)}")


class SeriesIn(msgspec.Struct, rename="camel", kw_only=True):
    """``POST /api/v1/document-series``."""

    prefix: str
    type: str = "invoice"
    current_number: int = 0
    active: bool = True
    is_default: bool = False

    def __post_init__(self) -> None:
        self.prefix = _check_prefix(self.prefix)
        _check_type(self.type)
        if self.current_number < 0:
            raise msgspec.ValidationError("currentNumber must be >= 0")


class SeriesPatch(msgspec.Struct, rename="camel", kw_only=True):
    """``PATCH /api/v1/document-series/{id}``: counter, active flag, type, default flag."""

    current_number: int | msgspec.UnsetType = UNSET
    active: bool | msgspec.UnsetType = UNSET
    type: str | msgspec.UnsetType = UNSET
    is_default: bool | msgspec.UnsetType = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.type, str):
            _check_type(self.type)
        if isinstance(self.current_number, int) and self.current_number < 0:
            raise msgspec.ValidationError("currentNumber must be >= 0")


class Series(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """A numbering series as the API shows it (objects.md §3.5); ``nextNumber`` is the prefix
    and the next value zero-padded to 4 digits. Mirrors :func:`series_json`."""

    id: str
    prefix: str
    current_number: int
    type: str  # invoice | proforma | credit_note | delivery_note | receipt | voucher
    active: bool
    is_default: bool
    source: str  # manual | default | efactura
    next_number: str


class SeriesList(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``GET /api/v1/document-series``: ``{"data": [...]}`` (not paginated, objects.md §2)."""

    data: list[Series]


class Message(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``{"message"}`` of deletes that answer 200 (objects.md §1 status codes)."""

    message: str


def series_json(row: dict[str, Any]) -> dict[str, Any]:
    """A series row as the API shows it (objects.md §3.5)."""
    return {
        "id": row["id"],
        "prefix": row["prefix"],
        "currentNumber": row["current_number"],
        "type": row["type"],
        "active": row["active"],
        "isDefault": row["is_default"],
        "source": row["source"],
        "nextNumber": format_number(row["prefix"], row["current_number"] + 1),
    }


async def _get(company_id: str, series_id: str) -> dict[str, Any]:
    row = (
        await DocumentSeries.select()
        .where((DocumentSeries.id == series_id) & (DocumentSeries.company == company_id))
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def _clear_defaults(company_id: str, kind: str, keep: str | None = None) -> None:
    where = (
        (DocumentSeries.company == company_id) & (DocumentSeries.type == kind) & (DocumentSeries.is_default == True)
    )  # noqa: E712
    if keep:
        where &= DocumentSeries.id != keep
    await DocumentSeries.update({DocumentSeries.is_default: False}).where(where)


async def _prefix_taken(company_id: str, prefix: str) -> bool:
    return await DocumentSeries.exists().where(
        (DocumentSeries.company == company_id) & (DocumentSeries.prefix == prefix)
    )


async def default_series(company_id: str, doc_type: str) -> dict[str, Any] | None:
    """The series a new document of ``doc_type`` uses (objects.md §6), as a row dict, or None.

    The company's active series of that type flagged default, else its oldest active one.
    """
    rows = (
        await DocumentSeries.select()
        .where(
            (DocumentSeries.company == company_id)
            & (DocumentSeries.type == doc_type)
            & (DocumentSeries.active == True)  # noqa: E712
        )
        .order_by(DocumentSeries.created_at)
        .order_by(DocumentSeries.id)
    )
    return next((r for r in rows if r["is_default"]), rows[0] if rows else None)


async def create_defaults(company_id: str) -> None:
    """Create the default series of a new company (``FCT``, ``PRO``, ``CH``, ``BON``, source ``default``).

    Skips a prefix the company already has; call inside the company's creating transaction.
    """
    now = dt.datetime.now(dt.timezone.utc)
    for prefix, kind in DEFAULT_SERIES:
        if not await _prefix_taken(company_id, prefix):
            await DocumentSeries(
                company=company_id,
                prefix=prefix,
                type=kind,
                current_number=0,
                active=True,
                is_default=True,
                source="default",
                created_at=now,
            ).save()


async def list_series(ctx: CompanyContext) -> dict[str, Any]:
    """``GET /api/v1/document-series``: ``{"data": [series...]}`` ordered by type, then age."""
    require(ctx.caller, "series.view")
    rows = (
        await DocumentSeries.select()
        .where(DocumentSeries.company == ctx.company_id)
        .order_by(DocumentSeries.type)
        .order_by(DocumentSeries.created_at)
    )
    return {"data": [series_json(r) for r in rows]}


async def create_series(ctx: CompanyContext, data: SeriesIn) -> dict[str, Any]:
    """Create a series (source ``manual``). Raises :class:`Conflict` when the prefix exists."""
    require(ctx.caller, "series.manage")
    try:
        async with write_transaction():
            if await _prefix_taken(ctx.company_id, data.prefix):
                raise Conflict("Series with this prefix already exists.")
            if data.is_default:
                await _clear_defaults(ctx.company_id, data.type)
            row = DocumentSeries(
                company=ctx.company_id,
                prefix=data.prefix,
                type=data.type,
                current_number=data.current_number,
                active=data.active,
                is_default=data.is_default,
                source="manual",
            )
            await row.save()
    except Exception as exc:
        if is_unique_violation(exc):  # a concurrent create took the prefix (document_series_prefix_uq)
            raise Conflict("Series with this prefix already exists.") from None
        raise
    return series_json(await _get(ctx.company_id, row.id))


async def update_series(ctx: CompanyContext, series_id: str, data: SeriesPatch) -> dict[str, Any]:
    """Change the counter, active flag, type or default flag. Raises :class:`NotFound`.

    Setting ``currentNumber`` is unrestricted (objects.md §6: it may go backwards).
    """
    require(ctx.caller, "series.manage")
    async with write_transaction():
        row = await _get(ctx.company_id, series_id)
        values: dict[Any, Any] = {}
        if data.current_number is not UNSET:
            values[DocumentSeries.current_number] = data.current_number
        if data.active is not UNSET:
            values[DocumentSeries.active] = data.active
        kind = row["type"] if data.type is UNSET else data.type
        if data.type is not UNSET:
            values[DocumentSeries.type] = data.type
        default = row["is_default"] if data.is_default is UNSET else data.is_default
        if default:
            await _clear_defaults(ctx.company_id, kind, keep=series_id)
        values[DocumentSeries.is_default] = default
        await DocumentSeries.update(values).where(DocumentSeries.id == series_id)
    return series_json(await _get(ctx.company_id, series_id))


async def set_default(ctx: CompanyContext, series_id: str) -> dict[str, Any]:
    """Make the series the default of its type (the others of that type lose the flag)."""
    return await update_series(ctx, series_id, SeriesPatch(is_default=True))


async def delete_series(ctx: CompanyContext, series_id: str) -> dict[str, str]:
    """Delete a series that numbers no document; returns ``{"message": ...}``.

    Raises :class:`NotFound`, and :class:`Unprocessable` when documents reference the series
    (deleting it would orphan their numbering; deactivate it instead).
    """
    require(ctx.caller, "series.manage")
    async with write_transaction():
        await _get(ctx.company_id, series_id)
        used = await Invoice.count().where(Invoice.series == series_id)
        if used:
            raise Unprocessable(f"This series numbers {used} document(s); deactivate it instead of deleting it.")
        await DocumentSeries.delete().where(DocumentSeries.id == series_id)
    return {"message": "Document series deleted."}


# --- routes ------------------------------------------------------------------------------------

SeriesId = Annotated[str, PathParameter(description="Document series id (UUID).")]


class DocumentSeriesController(Controller):
    """``/api/v1/document-series`` (objects.md §3.5)."""

    path = "/api/v1/document-series"
    tags = ["document-series"]

    @get("/", summary="List the company's numbering series")
    async def index(self, ctx: NamedDependency[CompanyContext]) -> SeriesList:
        return view(SeriesList, await list_series(ctx))

    @post("/", summary="Create a series (409 when the prefix exists)")
    async def create(self, ctx: NamedDependency[CompanyContext], data: JSONBody[SeriesIn]) -> Series:
        return view(Series, await create_series(ctx, data))

    @patch("/{series_id:str}", summary="Update counter, active flag, type or default flag")
    async def update(
        self, ctx: NamedDependency[CompanyContext], series_id: SeriesId, data: JSONBody[SeriesPatch]
    ) -> Series:
        return view(Series, await update_series(ctx, series_id, data))

    @post("/{series_id:str}/set-default", status_code=200, summary="Make the series the default of its type")
    async def make_default(self, ctx: NamedDependency[CompanyContext], series_id: SeriesId) -> Series:
        return view(Series, await set_default(ctx, series_id))

    @delete("/{series_id:str}", status_code=200, summary="Delete a series that numbers no document")
    async def remove(self, ctx: NamedDependency[CompanyContext], series_id: SeriesId) -> Message:
        return view(Message, await delete_series(ctx, series_id))


#: Mounted by the app factory.
ROUTES: list[Any] = [DocumentSeriesController]
