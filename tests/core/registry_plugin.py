"""A tiny plugin implementing ``storno_lookup_company`` for Romania, as the ANAF plugin will.

A real plugin registered through the plugin manager (not a mock of the code under test): it
knows :data:`KNOWN`, answers None for any other CIF, and fails like a registry that timed out
for :data:`DOWN`. ``module.calls`` records each lookup.
"""

from __future__ import annotations

import types

from core.errors import TransientProviderError
from core.hookspecs import hookimpl
from core.views import CompanyRecord, ProviderInfo

KNOWN = CompanyRecord(
    name="ORANGE ROMANIA SA",
    cif="9010105",
    vat_payer=True,
    registration_number="J40/10178/1996",
    address="Bd. Lascar Catargiu nr. 47-53",
    city="Sector 1",
    county="Municipiul Bucuresti",
    postal_code="010665",
    country="RO",
    phone="0212033000",
)
DOWN = "99999999"


def registry_plugin() -> types.ModuleType:
    """A fresh plugin module (its own ``calls`` list)."""
    module = types.ModuleType("registry_test_plugin")

    @hookimpl
    def storno_register_providers() -> ProviderInfo:
        return ProviderInfo(code="registry-test", label="Registry test", country="RO", dialects=())

    @hookimpl
    async def storno_lookup_company(country: str, tax_id: str) -> CompanyRecord | None:
        module.calls.append((country, tax_id))
        if tax_id == DOWN:
            raise TransientProviderError("registry timed out")
        return KNOWN if tax_id == KNOWN.cif else None

    module.storno_register_providers = storno_register_providers
    module.storno_lookup_company = storno_lookup_company
    module.calls = []
    return module
