"""Roles and their default permissions (objects.md §8.5), and the check controllers' services use.

Roles: ``employee`` (read-only), ``accountant`` (books: clients, products, invoices, series...),
``admin`` (plus company settings, members, integrations) and ``owner`` (plus billing).
"""

from __future__ import annotations

from core.auth.context import Caller
from core.errors import Forbidden

__all__ = ["ROLES", "ROLE_PERMISSIONS", "effective_permissions", "permissions_for", "require"]

ROLES = ("owner", "admin", "accountant", "employee")

_EMPLOYEE = frozenset(
    f"{area}.view"
    for area in (
        "company",
        "client",
        "product",
        "invoice",
        "recurring_invoice",
        "series",
        "payment",
        "efactura",
        "settings",
        "report",
        "email_template",
        "borderou",
        "declaration",
    )
)
_ACCOUNTANT = _EMPLOYEE | {
    "client.create",
    "client.edit",
    "client.delete",
    "product.create",
    "product.edit",
    "product.delete",
    "invoice.create",
    "invoice.edit",
    "invoice.delete",
    "invoice.issue",
    "invoice.send",
    "invoice.cancel",
    "invoice.refund",
    "recurring_invoice.manage",
    "series.manage",
    "payment.create",
    "payment.delete",
    "efactura.submit",
    "declaration.submit",
    "import.manage",
    "export.data",
    "email_template.manage",
    "borderou.manage",
}
_ADMIN = _ACCOUNTANT | {
    "company.create",
    "company.edit",
    "company.delete",
    "settings.manage",
    "org.manage_members",
    "org.view_audit",
    "webhook.view",
    "webhook.manage",
    "api_key.view",
    "api_key.manage",
    "oauth2_app.view",
    "oauth2_app.manage",
    "backup.manage",
}
_OWNER = _ADMIN | {"org.manage_billing"}

#: Default permission set of each role.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(_OWNER),
    "admin": frozenset(_ADMIN),
    "accountant": frozenset(_ACCOUNTANT),
    "employee": _EMPLOYEE,
}


def permissions_for(role: str) -> frozenset[str]:
    """The permissions of ``role`` (empty for an unknown role)."""
    return ROLE_PERMISSIONS.get(role, frozenset())


def effective_permissions(caller: Caller) -> frozenset[str]:
    """What ``caller`` may do: the membership's explicit list when it has one, else the role defaults (§8.5),
    intersected with the API key's scopes when a key authenticated the request (§8.3)."""
    granted = caller.permissions if caller.permissions is not None else permissions_for(caller.role)
    return granted if caller.scopes is None else granted & caller.scopes


def require(caller: Caller, permission: str) -> None:
    """Raise :class:`core.errors.Forbidden` (403 ``Permission denied.``) unless the caller has ``permission``
    (:func:`effective_permissions`)."""
    if permission not in effective_permissions(caller):
        raise Forbidden("Permission denied.")
