"""Public company registries (ANAF's VAT registry for Romania) as the services use them.

Wraps :func:`core.providers.lookup_company` with the API's error mapping: a registry that does not
answer is a 503 telling the user they can send the data themselves. Called outside transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from core import providers
from core.errors import ProviderError, ServiceUnavailable
from core.views import CompanyRecord

__all__ = ["lookup"]

log = logging.getLogger("storno.registry")


async def lookup(
    country: str, tax_id: str, settings: Callable[[str], dict[str, Any]] | None = None
) -> CompanyRecord | None:
    """The registry's record of ``tax_id`` in ``country``, or None (unknown id, or no registry for the country).

    ``settings`` gives a provider's settings section by provider code (``Services.provider_settings``);
    None: the plugin's defaults. Raises :class:`core.errors.ServiceUnavailable` (503) when the
    registry fails to answer.
    """
    try:
        return await providers.lookup_company(country, tax_id, settings)
    except ProviderError as exc:
        log.warning("registry lookup of %s %s failed: %s", country, tax_id, exc.message)
        raise ServiceUnavailable(
            "The public company registry did not answer; try again later or send the company's details yourself."
        ) from None
