"""The permission every company-scoped operation needs, derived in one place from its route.

Every request that acts on a company passes :func:`core.auth.deps.provide_company`, which calls
:func:`permission_for` with the request's method and route template and requires the result
(:func:`core.auth.permissions.require`: the membership's permissions, intersected with the API
key's scopes when a key authenticated the request, objects.md §8.3, §8.5). Services may check
finer permissions on top; this is the floor, so no company-scoped route can be reached by a
member or a key lacking the permission of its area, even when its service forgets to check.

The rule: the area is the first segment after ``/api/v1`` (``invoices``, ``clients``...), mapped
to a permission resource by :data:`AREAS`; ``GET`` needs ``<resource>.view``; other methods need
the resource's write permission (``create``/``edit``/``delete`` by method for resources with
those, else ``manage``/``submit``); an action segment (the last literal segment, when it is not
the area itself: ``issue``, ``cancel``, ``storno``, ``payments``...) maps through :data:`ACTIONS`.
"""

from __future__ import annotations

from functools import lru_cache

from core.auth.permissions import ROLE_PERMISSIONS

__all__ = ["ACTIONS", "AREAS", "SESSION_ONLY", "VIEWS", "permission_for", "session_only"]

#: Area (first segment after /api/v1) -> (permission resource, how writes are named).
#: ``crud``: POST create, PUT/PATCH edit, DELETE delete; otherwise the one write verb given.
AREAS: dict[str, tuple[str, str]] = {
    "clients": ("client", "crud"),
    "suppliers": ("client", "crud"),
    "products": ("product", "crud"),
    "invoices": ("invoice", "crud"),
    "proforma-invoices": ("invoice", "crud"),
    "delivery-notes": ("invoice", "crud"),
    "receipts": ("invoice", "crud"),
    "invoice-defaults": ("invoice", "crud"),
    "recurring-invoices": ("recurring_invoice", "manage"),
    "document-series": ("series", "manage"),
    "vat-rates": ("settings", "manage"),
    "vat-category-codes": ("settings", "manage"),
    "pdf-template-config": ("settings", "manage"),
    "einvoice": ("settings", "manage"),
    "companies": ("settings", "manage"),  # per-company settings such as …/einvoice-config
    "sync": ("efactura", "submit"),
    "efactura-messages": ("efactura", "submit"),
    "webhooks": ("webhook", "manage"),
    "email-templates": ("email_template", "manage"),
    "reports": ("report", "view"),
    "borderou": ("borderou", "manage"),
    "declarations": ("declaration", "submit"),
    "exports": ("export", "data"),
    "backup": ("backup", "manage"),
    "anaf": ("settings", "manage"),  # the company's ANAF authorisation (tokens, one-time links)
}

#: Areas whose reads need another permission than ``<resource>.view``.
VIEWS: dict[str, str] = {"anaf": "efactura.view"}

_CRUD = {"POST": "create", "PUT": "edit", "PATCH": "edit", "DELETE": "delete"}

#: Action segment -> permission (``{r}`` is the area's resource) for non-GET requests.
ACTIONS: dict[str, str] = {
    "issue": "invoice.issue",
    "issue-now": "invoice.issue",
    "bulk-issue": "invoice.issue",
    "cancel": "invoice.cancel",
    "bulk-cancel": "invoice.cancel",
    "storno": "invoice.refund",
    "bulk-storno": "invoice.refund",
    "refund": "invoice.refund",
    "send": "invoice.send",
    "email": "invoice.send",
    "submit": "efactura.submit",
    "validate": "invoice.view",
    "convert": "invoice.create",
    "bulk-convert": "invoice.create",
    "from-proforma": "invoice.create",
    "import": "import.manage",
    "mark-paid": "payment.create",
    "bulk-mark-paid": "payment.create",
    "set-default": "series.manage",
    "preview": "settings.view",
    "attachments": "invoice.edit",
    "accept": "{r}.edit",
    "reject": "{r}.edit",
    "restore": "{r}.delete",
    "bulk-delete": "{r}.delete",
}


#: Route prefixes an API key may not use at all: the account itself (profile changes, password,
#: MFA, passkeys, deletion) and credential management. No scope covers them, so a key — even one
#: holding every scope — must not reach them (objects.md §8.3: browser/JWT session only).
SESSION_ONLY = ("/api/v1/me/", "/api/v1/passkey", "/api/v1/mfa/", "/api/v1/api-tokens", "/api/v1/oauth2/")


@lru_cache(maxsize=1024)
def session_only(method: str, path_template: str) -> bool:
    """True when an API key must be refused on this route: any method under :data:`SESSION_ONLY`,
    and every method but GET on ``/api/v1/me`` itself (reading the profile is allowed)."""
    path = path_template.rstrip("/")
    if path == "/api/v1/me":
        return method.upper() not in ("GET", "HEAD")
    return (path + "/").startswith(SESSION_ONLY) or path.startswith(SESSION_ONLY)


@lru_cache(maxsize=1024)
def permission_for(method: str, path_template: str) -> str | None:
    """The permission a ``method`` request to route ``path_template`` (``/api/v1/invoices/{invoice_id}``)
    needs, or None when the route is not under a known ``/api/v1`` area (module docstring)."""
    segments = [s for s in path_template.split("/") if s]
    if len(segments) < 3 or segments[:2] != ["api", "v1"] or segments[2] not in AREAS:
        return None
    resource, write = AREAS[segments[2]]
    literals = [s for s in segments[3:] if not s.startswith("{")]
    action = literals[-1] if literals else None
    if segments[2] == "companies" and action is None:
        return None  # the company itself (company.view/edit, checked by its service), not a sub-resource
    method = method.upper()
    if action == "payments":
        return "payment.view" if method in ("GET", "HEAD") else f"payment.{_CRUD.get(method, 'create')}"
    if method in ("GET", "HEAD", "OPTIONS"):
        view = (
            VIEWS.get(segments[2]) or f"{resource}.view"
        )  # areas without a view permission (backup, export) read with their write one
        return view if view in ROLE_PERMISSIONS["owner"] else f"{resource}.{write}"
    if action in ACTIONS:
        permission = ACTIONS[action].format(r=resource)
        # a resource without that verb (recurring_invoice.delete) uses its write permission
        return permission if permission in ROLE_PERMISSIONS["owner"] else f"{resource}.{write}"
    if write == "crud":
        return f"{resource}.{_CRUD.get(method, 'edit')}"
    return f"{resource}.{write}"
