"""ANAF's check of its own signature on a downloaded e-Factura file (../shared/providers/anaf.md §3.9).

``POST {registry_base_url}/api/validate/signature`` (the public host, no authentication) with two
``multipart/form-data`` file parts: ``file`` (the invoice or error-report XML) and ``signature``
(the ``semnatura_<id>.xml`` detached XMLDSig). ANAF answers JSON ``{"msg": <Romanian sentence>}``:
the success text says the files *au fost validate cu succes*, the failure text contains
*NU au putut fi validate*. Anything else (HTML from the firewall, 5xx, no answer) is a
:class:`core.errors.TransientProviderError`.
"""

from __future__ import annotations

import re

import httpx

from core.errors import TransientProviderError
from core.views import SignatureCheck
from plugins.anaf.settings import AnafSettings

__all__ = ["SIGNATURE_PATH", "verify_signature"]

SIGNATURE_PATH = "/api/validate/signature"
_FAILED = re.compile(r"\bNU\s+au\s+putut\s+fi\s+validate", re.I)
_PASSED = re.compile(r"au\s+fost\s+validate\s+cu\s+succes", re.I)


async def verify_signature(settings: AnafSettings, content: bytes, signature: bytes, *, http: httpx.AsyncClient | None = None) -> SignatureCheck:
    """ANAF's verdict on ``signature`` over ``content``; raises :class:`TransientProviderError`
    when the service does not answer with its JSON."""
    url = settings.registry_base_url.rstrip("/") + SIGNATURE_PATH
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    files = {"file": ("factura.xml", content, "text/xml"), "signature": ("semnatura.xml", signature, "text/xml")}
    client = http or httpx.AsyncClient()
    try:
        response = await client.post(url, files=files, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TransientProviderError(f"ANAF signature check: no answer ({type(exc).__name__})") from None
    finally:
        if http is None:
            await client.aclose()
    try:
        message = response.json().get("msg") if response.status_code == 200 else None
    except (ValueError, AttributeError):
        message = None
    if not isinstance(message, str):
        raise TransientProviderError(f"ANAF signature check: HTTP {response.status_code} without the expected answer")
    if _FAILED.search(message):
        return SignatureCheck(valid=False, message=message)
    if _PASSED.search(message):
        return SignatureCheck(valid=True, message=message)
    raise TransientProviderError(f"ANAF signature check: unexpected answer: {message[:200]}")
