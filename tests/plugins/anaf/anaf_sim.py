"""Shared pieces of the ANAF transport and simulator tests: small literal UBL documents, an
in-memory credential store and control-plane shortcuts. Everything talks HTTP to a real
:class:`SimulatorServer` on loopback; nothing here replaces the client or the server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx

from core.views import Credentials
from plugins.anaf.settings import AnafSettings
from plugins.anaf.simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, SimulatorServer

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "cius-ro" / "examples" / "ubl"

SELLER = "123456"
BUYER = "987654"

_UBL_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}


def ubl(
    number: str = "INV-1",
    issue_date: str = "2024-05-01",
    *,
    seller: str = f"RO{SELLER}",
    buyer: str = BUYER,
    root: str = "Invoice",
) -> bytes:
    """A minimal UBL 2.1 Invoice or CreditNote with the fields ANAF routes on."""
    type_code = (
        "InvoiceTypeCode>380</cbc:InvoiceTypeCode"
        if root == "Invoice"
        else "CreditNoteTypeCode>381</cbc:CreditNoteTypeCode"
    )
    line = "InvoiceLine" if root == "Invoice" else "CreditNoteLine"
    quantity = "InvoicedQuantity" if root == "Invoice" else "CreditedQuantity"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="{_UBL_NS[root]}"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issue_date}</cbc:IssueDate>
  <cbc:{type_code}>
  <cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress><cbc:StreetName>Str. Exemplu 1</cbc:StreetName><cbc:CityName>SECTOR1</cbc:CityName>
      <cbc:CountrySubentity>RO-B</cbc:CountrySubentity><cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>{seller}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Vanzator SRL</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress><cbc:CityName>Cluj-Napoca</cbc:CityName><cbc:CountrySubentity>RO-CJ</cbc:CountrySubentity>
      <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Cumparator SRL</cbc:RegistrationName><cbc:CompanyID>{buyer}</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="RON">19.00</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="RON">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="RON">19.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal></cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="RON">100.00</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="RON">119.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="RON">119.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
  <cac:{line}><cbc:ID>1</cbc:ID><cbc:{quantity} unitCode="H87">1</cbc:{quantity}>
    <cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Servicii</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="RON">100.00</cbc:PriceAmount></cac:Price></cac:{line}>
</{root}>
""".encode()


class MemoryStore:
    """A real (in-memory) :class:`core.views.CredentialStore`; ``saves`` records every save."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        self.credentials = credentials
        self.saves: list[Credentials] = []

    async def load(self) -> Credentials | None:
        return self.credentials

    async def save(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.saves.append(credentials)


def settings_for(sim: SimulatorServer, **overrides: Any) -> AnafSettings:
    values: dict[str, Any] = {
        "oauth_base_url": sim.base_url,
        "api_base_url": sim.base_url,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "upload_read_timeout": 5.0,
    }
    values.update(overrides)
    return AnafSettings(**values)


_HTTP: dict[str, httpx.Client] = {}


def http(sim: SimulatorServer) -> httpx.Client:
    """A kept-alive synchronous client for ``sim`` (building one per call costs ~50 ms of TLS setup)."""
    if sim.base_url not in _HTTP:
        _HTTP[sim.base_url] = httpx.Client(base_url=sim.base_url, timeout=10)
    return _HTTP[sim.base_url]


def control(sim: SimulatorServer, method: str, path: str, json: Any = None) -> Any:
    """Call the control plane (``/__sim/...``) and return its JSON."""
    response = http(sim).request(method, f"/__sim/{path}", json=json)
    response.raise_for_status()
    return response.json()


def issue_credentials(sim: SimulatorServer, *, expires_in: int | None = None) -> Credentials:
    """A token pair minted by the simulator (no browser), as stored credentials."""
    if expires_in is not None:
        control(sim, "POST", "config", {"token_expires_in": expires_in})
    tokens = control(sim, "POST", "tokens", {})
    now = sim.state.clock.now()
    return Credentials(
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        expires_at=now + dt.timedelta(seconds=tokens["expires_in"]),
    )


def rest_calls(sim: SimulatorServer, endpoint: str) -> list[dict[str, Any]]:
    """Logged requests to ``.../FCTEL/rest/<endpoint>`` (or to the OAuth ``token`` endpoint)."""
    return [r for r in control(sim, "GET", "requests") if r["path"].rsplit("/", 1)[-1] == endpoint]
