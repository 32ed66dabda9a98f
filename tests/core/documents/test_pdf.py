"""Document PDFs over HTTP: languages, diacritics, template configuration, overrides (issue "PDFs of documents")."""

from __future__ import annotations

import io

import pypdf

from tests.support.appliance import running_appliance

DIACRITICS = "ăâîșț ÄÖÜß éèçàù ąćęłńóśźż àèìòù"
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
TITLES = {"ro": "Factură", "en": "Invoice", "de": "Rechnung", "fr": "Facture"}
TOTALS = {"ro": "242,00 RON", "en": "242.00 RON", "de": "242,00 RON", "fr": "242,00 RON"}


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdf(http, invoice_id: str) -> str:
    response = http.get(f"/api/v1/invoices/{invoice_id}/pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="invoice-' in response.headers["content-disposition"]
    return _text(response.content)


def test_issued_invoice_pdf_in_four_languages_with_all_diacritics(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        patched = app.http.patch(f"/api/v1/companies/{app.company_id}", json={"name": f"Firmă {DIACRITICS} SRL", "address": f"Str. {DIACRITICS} 1"})
        assert patched.status_code == 200, patched.text
        client = app.http.post("/api/v1/clients", json={
            "type": "company", "name": f"Cumpărător {DIACRITICS}", "cui": "14399840", "isVatPayer": True,
            "address": "Strada Ștefan cel Mare 3", "city": "Iași", "county": "Iasi", "country": "RO",
        })
        assert client.status_code == 201, client.text
        for language, title in TITLES.items():
            draft = app.http.post("/api/v1/invoices", json=app.invoice_body(language=language, clientId=client.json()["client"]["id"]))
            assert draft.status_code == 201, draft.text
            invoice_id = draft.json()["invoice"]["id"]
            issued = app.http.post(f"/api/v1/invoices/{invoice_id}/issue")
            assert issued.status_code == 200, issued.text
            text = _pdf(app.http, invoice_id)
            assert title.upper() in text.upper() and TOTALS[language] in text, text
            assert issued.json()["invoice"]["number"] in text
            missing = [c for c in DIACRITICS.replace(" ", "") if c not in text]
            assert not missing, (language, missing, text)
        assert app.http.get("/api/v1/invoices/00000000-0000-7000-8000-000000000000/pdf").status_code == 404


def test_template_config_preview_and_company_override(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        initial = app.http.get("/api/v1/pdf-template-config").json()
        assert initial["templateSlug"] == "classic" and initial["updatedAt"] is None
        slugs = [t["slug"] for t in app.http.get("/api/v1/pdf-template-config/templates").json()]
        assert slugs == ["classic", "modern", "minimal", "bold"]

        assert app.http.put("/api/v1/pdf-template-config", json={"primaryColor": "red"}).status_code == 400
        assert app.http.put("/api/v1/pdf-template-config", json={"logo": "https://example.com/x.png"}).status_code == 400
        saved = app.http.put("/api/v1/pdf-template-config", json={"templateSlug": "modern", "primaryColor": "#aa0011", "footerText": "Mulțumim!", "logo": PIXEL})
        assert saved.status_code == 200, saved.text
        assert app.http.get("/api/v1/pdf-template-config").json() | {"updatedAt": None} == saved.json() | {"updatedAt": None}
        assert saved.json()["templateSlug"] == "modern" and saved.json()["primaryColor"] == "#aa0011"

        preview = app.http.post("/api/v1/pdf-template-config/preview", json={"templateSlug": "bold", "language": "de"})
        assert preview.status_code == 200 and preview.content.startswith(b"%PDF"), preview.text[:300]
        assert b"/Image" in preview.content  # the logo
        text = _text(preview.content)
        assert "RECHNUNG" in text.upper() and "Mulțumim!" in text and "1.856,82 RON" in text

        draft = app.http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        override = settings.data_dir / "templates" / app.company_id
        override.mkdir(parents=True)
        (override / "modern.html").write_text('{% extends "base.html" %}{% block title %}OVERRIDE-MARKER {{ t.invoice }}{% endblock %}', encoding="utf-8")
        text = _pdf(app.http, draft["id"])
        assert "OVERRIDE-MARKER Factură" in text and "242,00 RON" in text


def test_incoming_credit_note_renders_from_its_canonical_document_with_supplier_as_seller(settings, registry):
    sample = settings.artifacts_dir / "cius-ro" / "examples" / "ubl" / "anaf_creditNote_ex.xml"
    with running_appliance(settings, registry, embedded_workers=False) as app:
        imported = app.http.post("/api/v1/invoices/import", content=sample.read_bytes(), headers={"Content-Type": "application/xml"})
        assert imported.status_code == 201, imported.text
        response = app.http.get(f"/api/v1/invoices/{imported.json()['invoice']['id']}/pdf", params={"language": "en"})
        assert response.status_code == 200, response.text
        assert 'filename="credit-note-' in response.headers["content-disposition"]
        text = _text(response.content)
        seller, buyer = text.split("SELLER", 1)[1].split("BUYER", 1)
        assert "Säljbolaget AB" in seller and "CREDIT NOTE" in text.upper()
