"""The company logo (``POST|DELETE /api/v1/companies/{id}/logo``): stored in the document store,
printed on the company's invoice PDFs (an image XObject on the page), removed again; PNG and JPEG
only (415), at most 2 MB (413); another organisation's company 403, an unknown one 404."""

from __future__ import annotations

import io
import uuid

import pypdf
import pytest
from PIL import Image

from core.documents.company_logo import MAX_LOGO_BYTES
from core.documents.tables import StoredDocument
from tests.core.conftest import in_app, ok
from tests.support.tenants import two_organisations

LINES = [
    {"description": "Consultanta", "quantity": "2", "unitPrice": "100.00", "vatRate": "21", "unitOfMeasure": "ore"}
]


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 58, 147)).save(out, format=fmt)
    return out.getvalue()


def _images_on_first_page(content: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    xobjects = page["/Resources"].get_object().get("/XObject")
    if xobjects is None:
        return 0
    return sum(1 for ref in xobjects.get_object().values() if ref.get_object().get("/Subtype") == "/Image")


@pytest.fixture
async def orgs(settings):
    async with two_organisations(settings) as (api, a, b):
        body = {"clientId": a.extra["client_id"], "lines": LINES}
        a.extra["invoice_id"] = ok(await api.post("/api/v1/invoices", json=body, headers=a.headers), 201)["invoice"][
            "id"
        ]
        yield api, a, b


async def _invoice_pdf(api, tenant) -> bytes:
    answer = await api.get(f"/api/v1/invoices/{tenant.extra['invoice_id']}/pdf", headers=tenant.headers)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-"), answer.text[:300]
    return answer.content


@pytest.mark.parametrize("fmt, media_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
async def test_uploaded_logo_is_printed_on_invoice_pdfs_until_removed(orgs, fmt, media_type):
    api, a, _ = orgs
    assert _images_on_first_page(await _invoice_pdf(api, a)) == 0
    content = _image(fmt)
    files = {"file": ("../brand logo.bin", content, "application/octet-stream")}  # the bytes decide the type
    logo = ok(await api.post(f"/api/v1/companies/{a.company_id}/logo", files=files, headers=a.auth), 201)
    assert logo["mimeType"] == media_type and logo["size"] == len(content)
    assert "/" not in logo["filename"] and logo["filename"].endswith(".png" if fmt == "PNG" else ".jpg")
    stored = in_app(api, StoredDocument.select().where(StoredDocument.id == logo["id"]).first().run)
    assert stored["company"] == a.company_id and stored["kind"] == "logo" and stored["media_type"] == media_type
    assert ok(await api.get("/api/v1/pdf-template-config", headers=a.headers))["logoDocumentId"] == logo["id"]

    assert _images_on_first_page(await _invoice_pdf(api, a)) == 1

    assert (await api.delete(f"/api/v1/companies/{a.company_id}/logo", headers=a.auth)).status_code == 204
    assert ok(await api.get("/api/v1/pdf-template-config", headers=a.headers))["logoDocumentId"] is None
    assert _images_on_first_page(await _invoice_pdf(api, a)) == 0
    assert (await api.delete(f"/api/v1/companies/{a.company_id}/logo", headers=a.auth)).status_code == 204


async def test_a_new_upload_replaces_an_inline_logo(orgs):
    api, a, _ = orgs
    ok(
        await api.put(
            "/api/v1/pdf-template-config", json={"logo": "data:image/png;base64,iVBORw0KGgo="}, headers=a.headers
        )
    )
    logo = ok(
        await api.post(
            f"/api/v1/companies/{a.company_id}/logo",
            files={"file": ("l.png", _image("PNG"), "image/png")},
            headers=a.auth,
        ),
        201,
    )
    config = ok(await api.get("/api/v1/pdf-template-config", headers=a.headers))
    assert config["logo"] is None and config["logoDocumentId"] == logo["id"]
    assert _images_on_first_page(await _invoice_pdf(api, a)) == 1


@pytest.mark.parametrize(
    "content, declared",
    [
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "image/gif",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
        (b"%PDF-1.4\n%%EOF\n", "image/png"),  # a declared type that the bytes contradict
    ],
)
async def test_only_png_and_jpeg_are_accepted(orgs, content, declared):
    api, a, _ = orgs
    answer = await api.post(
        f"/api/v1/companies/{a.company_id}/logo", files={"file": ("logo", content, declared)}, headers=a.auth
    )
    assert answer.status_code == 415 and answer.json()["code"] == "INVALID_TYPE"
    assert ok(await api.get("/api/v1/pdf-template-config", headers=a.headers))["logoDocumentId"] is None


async def test_too_big_empty_or_missing_file(orgs):
    api, a, _ = orgs
    url = f"/api/v1/companies/{a.company_id}/logo"
    big = _image("PNG") + b"\x00" * (MAX_LOGO_BYTES + 1)
    answer = await api.post(url, files={"file": ("big.png", big, "image/png")}, headers=a.auth)
    assert (
        answer.status_code == 413
        and answer.json()["code"] == "FILE_TOO_LARGE"
        and answer.json()["limit"] == MAX_LOGO_BYTES
    )
    assert (await api.post(url, files={"file": ("empty.png", b"", "image/png")}, headers=a.auth)).status_code == 400
    assert (
        await api.post(url, files={"other": ("l.png", _image("PNG"), "image/png")}, headers=a.auth)
    ).status_code == 400
    assert in_app(api, StoredDocument.count().where(StoredDocument.kind == "logo").run) == 0


async def test_other_organisation_unknown_company_and_role(orgs):
    api, a, b = orgs
    files = {"file": ("l.png", _image("PNG"), "image/png")}
    for answer in (
        await api.post(f"/api/v1/companies/{a.company_id}/logo", files=files, headers=b.auth),
        await api.delete(f"/api/v1/companies/{a.company_id}/logo", headers=b.auth),
    ):
        assert answer.status_code == 403 and answer.json() == {"error": "Permission denied."}
    unknown = await api.post(f"/api/v1/companies/{uuid.uuid4()}/logo", files=files, headers=a.auth)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Company not found."}
    assert (await api.post("/api/v1/companies/not-a-uuid/logo", files=files, headers=a.auth)).status_code == 404
    assert (await api.post(f"/api/v1/companies/{a.company_id}/logo", files=files)).status_code == 401
    assert in_app(api, StoredDocument.count().where(StoredDocument.kind == "logo").run) == 0
