"""PDFs of delivery notes and proformas: real PDFs whose text carries the document's title in its
language, its number and the diacritics of the parties; 404 for unknown ids, 403 for another
organisation's company."""

from __future__ import annotations

import io
import uuid

import pypdf
import pytest

from tests.core.conftest import ok
from tests.support.tenants import two_organisations

DIACRITICS = "ăâîșț ÄÖÜß éèçàù"
LINES = [{"description": f"Marfă {DIACRITICS}", "quantity": "3", "unitPrice": "10.50", "vatRate": "21", "unitOfMeasure": "buc"}]
NOTE_TITLES = {"ro": "Aviz de însoțire a mărfii", "en": "Delivery note", "de": "Lieferschein", "fr": "Bon de livraison"}
PROFORMA_TITLES = {"ro": "Factură proformă", "en": "Proforma invoice", "de": "Proformarechnung", "fr": "Facture pro forma"}


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def orgs(settings):
    async with two_organisations(settings) as (api, a, b):
        ok(await api.patch(f"/api/v1/companies/{a.company_id}", json={"name": f"Firmă {DIACRITICS} SRL"}, headers=a.auth))
        ok(await api.patch(f"/api/v1/clients/{a.extra['client_id']}", json={"name": f"Cumpărător {DIACRITICS}"}, headers=a.headers))
        yield api, a, b


async def test_delivery_note_pdf_in_every_language(orgs):
    api, a, _ = orgs
    note = ok(await api.post("/api/v1/delivery-notes", json={"clientId": a.extra["client_id"], "lines": LINES}, headers=a.headers), 201)
    for language, title in NOTE_TITLES.items():
        answer = await api.get(f"/api/v1/delivery-notes/{note['id']}/pdf", params={"language": language}, headers=a.headers)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"] == f'attachment; filename="delivery-note-{note["number"]}.pdf"'
        text = _text(answer.content)
        assert title.upper() in text.upper() and note["number"] in text, (language, text)
        missing = [c for c in f"{DIACRITICS}".replace(" ", "") if c not in text]
        assert not missing, (language, missing)
    default = _text((await api.get(f"/api/v1/delivery-notes/{note['id']}/pdf", headers=a.headers)).content)
    assert NOTE_TITLES["ro"].upper() in default.upper() and "Cumpărător" in default


async def test_proforma_pdf_uses_its_language(orgs):
    api, a, _ = orgs
    for language, title in PROFORMA_TITLES.items():
        body = {"clientId": a.extra["client_id"], "lines": LINES, "language": language}
        proforma = ok(await api.post("/api/v1/proforma-invoices", json=body, headers=a.headers), 201)
        answer = await api.get(f"/api/v1/proforma-invoices/{proforma['id']}/pdf", headers=a.headers)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"] == f'attachment; filename="proforma-{proforma["number"]}.pdf"'
        text = _text(answer.content)
        assert title.upper() in text.upper() and proforma["number"] in text, (language, text)
        assert "Firmă ăâîșț" in text and "Cumpărător" in text


async def test_unknown_and_foreign_documents(orgs):
    api, a, b = orgs
    for kind in ("delivery-notes", "proforma-invoices"):
        missing = await api.get(f"/api/v1/{kind}/{uuid.uuid4()}/pdf", headers=a.headers)
        assert missing.status_code == 404 and missing.json()["error"]
        theirs = ok(await api.post(f"/api/v1/{kind}", json={"clientId": b.extra["client_id"], "lines": LINES}, headers=b.headers), 201)
        forbidden = await api.get(f"/api/v1/{kind}/{theirs['id']}/pdf", headers={**a.auth, "X-Company": b.company_id})
        assert forbidden.status_code == 403 and forbidden.json()["error"]
        hidden = await api.get(f"/api/v1/{kind}/{theirs['id']}/pdf", headers=a.headers)
        assert hidden.status_code == 404
        bad_language = await api.get(f"/api/v1/{kind}/{theirs['id']}/pdf", params={"language": "xx"}, headers=b.headers)
        assert bad_language.status_code == 422
