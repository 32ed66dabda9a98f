"""Receipts over HTTP (objects.md §3.10, §5.4, §6, §7.6): lifecycle, numbering at issue, idempotent
create, conversion to an invoice, refunds, list envelope, PDF, tenancy and permissions."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pypdf

from core.auth.tables import Membership
from tests.core.conftest import in_app, ok
from tests.support.appliance import running_appliance
from tests.support.transitions import advance, assert_refused

BASE = "/api/v1/receipts"
MISSING = "00000000-0000-0000-0000-000000000000"
LINES = [
    {"description": "Cafea boabe", "quantity": "2", "unitPrice": "10.00", "vatRate": "21", "unitOfMeasure": "buc"},
    {"description": "Plată ăâîșț", "quantity": "1", "unitPrice": "5.50", "vatRate": "11"},
]
#: Line A 2 x 10 at 19 % (gross 23.80), line B 1 x 30 at 19 % (gross 35.70): 59.50 paid in cash.
TWO_LINES = {
    "paymentMethod": "cash", "cashPayment": "59.50",
    "lines": [
        {"description": "Line A", "quantity": "2", "unitPrice": "10.00", "vatRate": "19"},
        {"description": "Line B", "quantity": "1", "unitPrice": "30.00", "vatRate": "19"},
    ],
}


def _new(http, **overrides):
    response = http.post(BASE, json={"lines": LINES, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def _to(http, receipt, *actions):
    return advance(http, BASE, receipt, *actions)


def _refund(http, receipt_id, selections=None):
    return http.post(f"{BASE}/{receipt_id}/refund", json={} if selections is None else {"lineSelections": selections})


def _unprocessable(response, message):
    assert response.status_code == 422, response.text
    assert response.json()["error"] == message


def test_create_detail_totals_and_bad_input(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        created = _new(
            app.http, clientId=app.client_id, paymentMethod="card", cardPayment="30.31", cashRegisterName="Casa 1",
            fiscalNumber="AB123", customerName="Ion Popescu", customerCif="1234567", notes="Mulțumim", language="en",
        )
        assert re.fullmatch(r"BON-[0-9a-f]{8}", created["number"]) and created["status"] == "draft"
        # 2 x 10.00 = 20.00 at 21 % (4.20); 1 x 5.50 at 11 % (0.605 -> 0.61)
        assert (created["subtotal"], created["vatTotal"], created["total"], created["discount"]) == (25.5, 4.81, 30.31, 0)
        assert [line["lineTotal"] for line in created["lines"]] == [20.0, 5.5]
        assert [line["sourceLineId"] for line in created["lines"]] == [None, None]
        assert (created["cardPayment"], created["cashPayment"], created["otherPayment"]) == (30.31, None, None)
        assert (created["cashRegisterName"], created["fiscalNumber"], created["customerName"], created["customerCif"]) == ("Casa 1", "AB123", "Ion Popescu", "1234567")
        assert created["clientId"] == app.client_id and created["clientName"] == "Client Test SRL" and created["language"] == "en"
        assert created["refundOf"] is None and created["refundedBy"] == [] and created["convertedInvoice"] is None
        assert app.http.get(f"{BASE}/{created['id']}").json() == created
        unknown = app.http.get(f"{BASE}/{MISSING}")
        assert unknown.status_code == 404 and unknown.json() == {"error": "Receipt not found."}
        for action in ("issue", "cancel", "restore", "convert", "refund"):
            assert app.http.post(f"{BASE}/{MISSING}/{action}").status_code == 404, action
        assert app.http.put(f"{BASE}/{MISSING}", json={"lines": LINES}).status_code == 404
        assert app.http.delete(f"{BASE}/{MISSING}").status_code == 404
        assert app.http.get(f"{BASE}/{MISSING}/pdf").status_code == 404
        for bad in (
            {},
            {"lines": []},
            {"lines": [{**LINES[0], "quantity": "0"}]},
            {"lines": [{**LINES[0], "quantity": "-1"}]},
            {"lines": [{**LINES[0], "description": ""}]},
            {"lines": LINES, "currency": "EURO"},
            {"lines": LINES, "currency": "EUR"},  # no exchange rate
            {"lines": LINES, "cashPayment": "-1"},
            {"lines": LINES, "language": "xx"},
        ):
            response = app.http.post(BASE, json=bad)
            assert response.status_code == 400 and response.json()["error"], (bad, response.text)
        assert app.http.put(f"{BASE}/{created['id']}", json={"lines": []}).status_code == 400
        assert app.http.post(BASE, content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
        assert app.http.post(BASE, json={"lines": LINES, "clientId": MISSING}).status_code == 404
        assert app.http.get(BASE).json()["total"] == 1  # nothing was stored by the refused bodies


def test_issue_numbers_from_the_receipt_series_without_gaps(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        first, second = _to(app.http, _new(app.http), "issue"), _to(app.http, _new(app.http), "issue")
        # every company gets the default CH series of type receipt (objects.md §6)
        assert (first["number"], second["number"]) == ("CH0001", "CH0002") and first["issuedAt"] and first["status"] == "issued"
        assert first["documentSeries"]["prefix"] == "CH" and first["documentSeries"]["type"] == "receipt"
        own = app.http.post("/api/v1/document-series", json={"prefix": "BF", "type": "receipt"}).json()
        explicit = _to(app.http, _new(app.http, documentSeriesId=own["id"]), "issue")
        assert explicit["number"] == "BF0001"
        invoice_series = next(s for s in app.http.get("/api/v1/document-series").json()["data"] if s["type"] == "invoice")
        wrong = app.http.post(BASE, json={"lines": LINES, "documentSeriesId": invoice_series["id"]})
        assert wrong.status_code == 400 and "receipt" in wrong.json()["error"]
        assert app.http.post(BASE, json={"lines": LINES, "documentSeriesId": MISSING}).status_code == 404
        # a deleted draft spends nothing: the next issue continues the series
        deleted = _new(app.http)
        assert app.http.delete(f"{BASE}/{deleted['id']}").status_code == 204
        assert _to(app.http, _new(app.http), "issue")["number"] == "CH0003"
        # restoring a cancelled issued receipt keeps its number when issued again
        again = _to(app.http, first, "cancel", "restore")
        assert again["status"] == "draft" and again["number"] == "CH0001" and again["cancelledAt"] is None
        assert _to(app.http, again, "issue")["number"] == "CH0001"
        # without any active receipt series the temporary number stays (objects.md §6)
        for series in app.http.get("/api/v1/document-series").json()["data"]:
            if series["type"] == "receipt":
                assert app.http.patch(f"/api/v1/document-series/{series['id']}", json={"active": False}).status_code == 200
        unnumbered = _to(app.http, _new(app.http), "issue")
        assert unnumbered["status"] == "issued" and re.fullmatch(r"BON-[0-9a-f]{8}", unnumbered["number"])


def test_concurrent_issues_get_consecutive_numbers(settings, registry):
    clients, each = 4, 8
    with running_appliance(settings, registry, embedded_workers=False) as app:
        headers = dict(app.http.headers)

        def one_client(count: int) -> list[str]:
            numbers = []
            with httpx.Client(base_url=app.url, headers=headers, timeout=120) as http:
                for _ in range(count):
                    numbers.append(_to(http, _new(http), "issue")["number"])
            return numbers

        with ThreadPoolExecutor(clients) as pool:
            numbers = [n for batch in pool.map(one_client, [each] * clients) for n in batch]
        assert len(numbers) == clients * each == len(set(numbers))
        assert sorted(int(re.fullmatch(r"CH(\d{4,})", n).group(1)) for n in numbers) == list(range(1, clients * each + 1))


def test_lifecycle_transitions_allowed_and_forbidden(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        draft = _new(http)
        issued = _to(http, _new(http), "issue")
        cancelled_draft = _to(http, _new(http), "cancel")
        cancelled_issued = _to(http, _new(http), "issue", "cancel")
        assert cancelled_draft["status"] == cancelled_issued["status"] == "cancelled" and cancelled_issued["cancelledAt"]
        invoiced = _to(http, _new(http), "issue", "convert")
        assert invoiced["status"] == "invoiced"
        forbidden = {
            "issue": [(issued, "issued"), (cancelled_draft, "cancelled"), (invoiced, "invoiced")],
            "cancel": [(invoiced, "invoiced"), (cancelled_issued, "cancelled")],
            "restore": [(draft, "draft"), (issued, "issued"), (invoiced, "invoiced")],
            "convert": [(draft, "draft"), (cancelled_issued, "cancelled"), (invoiced, "invoiced")],
        }
        for action, cases in forbidden.items():
            for receipt, current in cases:
                assert_refused(http.post(f"{BASE}/{receipt['id']}/{action}"), current)
        for receipt in (draft, issued):  # edit draft and issued: fields and lines replaced, number kept
            edited = http.put(f"{BASE}/{receipt['id']}", json={"notes": "edited", "cashRegisterName": "Casa 2", "lines": LINES[:1]})
            assert edited.status_code == 200, edited.text
            body = edited.json()
            assert (body["notes"], body["cashRegisterName"], body["number"], body["status"]) == ("edited", "Casa 2", receipt["number"], receipt["status"])
            assert len(body["lines"]) == 1 and body["total"] == 24.2
        for receipt, current in ((invoiced, "invoiced"), (cancelled_draft, "cancelled")):
            assert_refused(http.put(f"{BASE}/{receipt['id']}", json={"lines": LINES}), current)
        for receipt, current in ((issued, "issued"), (invoiced, "invoiced")):
            assert_refused(http.delete(f"{BASE}/{receipt['id']}"), current)
        assert http.delete(f"{BASE}/{draft['id']}").status_code == 204
        assert http.delete(f"{BASE}/{cancelled_draft['id']}").status_code == 204
        assert http.get(f"{BASE}/{draft['id']}").status_code == 404
        assert http.post(f"{BASE}/{draft['id']}/issue").status_code == 404


def test_idempotent_create(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        body = {"lines": LINES, "cashPayment": "30.31"}
        first = http.post(BASE, json=body, headers={"Idempotency-Key": "till-1-0001"})
        assert first.status_code == 201, first.text
        _to(http, first.json(), "issue")
        replay = http.post(BASE, json=body, headers={"Idempotency-Key": "till-1-0001"})
        assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
        assert replay.json()["status"] == "issued" and replay.json()["number"] == "CH0001"  # the first result, even once issued
        other = http.post(BASE, json={**body, "cashPayment": "1.00"}, headers={"Idempotency-Key": "till-1-0001"})
        assert other.status_code == 409 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED" and other.json()["error"]
        in_body = http.post(BASE, json={**body, "idempotencyKey": "body-key"})
        assert in_body.status_code == 201
        assert http.post(BASE, json={**body, "idempotencyKey": "body-key"}).json()["id"] == in_body.json()["id"]
        # the header wins over the body key
        header_wins = http.post(BASE, json={**body, "idempotencyKey": "body-key"}, headers={"Idempotency-Key": "header-key"})
        assert header_wins.status_code == 201 and header_wins.json()["id"] != in_body.json()["id"]
        assert http.get(BASE).json()["total"] == 3


def test_convert_creates_a_draft_invoice_and_marks_the_receipt_invoiced(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        receipt = _to(app.http, _new(app.http, clientId=app.client_id), "issue")
        response = app.http.post(f"{BASE}/{receipt['id']}/convert")
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert invoice["status"] == "draft" and invoice["documentType"] == "invoice" and invoice["clientId"] == app.client_id
        assert receipt["number"] in invoice["notes"]
        for key in ("subtotal", "vatTotal", "total", "currency"):
            assert invoice[key] == receipt[key], key
        keys = ("description", "quantity", "unitOfMeasure", "unitPrice", "vatRate", "vatAmount", "lineTotal")
        assert [{k: l[k] for k in keys} for l in invoice["lines"]] == [{k: l[k] for k in keys} for l in receipt["lines"]]
        after = app.http.get(f"{BASE}/{receipt['id']}").json()
        assert after["status"] == "invoiced"
        assert after["convertedInvoice"] == {"id": invoice["id"], "number": invoice["number"], "status": "draft"}
        assert app.http.get(f"/api/v1/invoices/{invoice['id']}").status_code == 200
        # a refund receipt cannot become an invoice
        parent = _to(app.http, _new(app.http), "issue")
        refund = _refund(app.http, parent["id"]).json()
        refused = app.http.post(f"{BASE}/{refund['id']}/convert")
        assert refused.status_code == 422 and refused.json()["error"] == "A refund receipt cannot be converted to an invoice."


def test_refunds_full_partial_and_their_rules(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        parent = _to(http, _new(http, cashRegisterName="Casa 1", fiscalNumber="AB123", **TWO_LINES), "issue")
        line_a, line_b = parent["lines"]
        _unprocessable(_refund(http, _new(http)["id"]), "Only issued receipts can be refunded.")
        _unprocessable(_refund(http, parent["id"], [{"sourceLineId": MISSING, "quantity": "1"}]), "Selected line does not belong to this receipt.")
        _unprocessable(_refund(http, parent["id"], [{"sourceLineId": line_a["id"], "quantity": "0"}]), "Refund quantity must be positive.")
        _unprocessable(
            _refund(http, parent["id"], [{"sourceLineId": line_a["id"], "quantity": "99"}]),
            'Requested quantity (99) exceeds remaining refundable quantity (2) for line "Line A".',
        )
        # partial: 1 of A (11.90 gross) + 1 of B (35.70) = 47.60 of 59.50, so the cash back is 0.8 of 59.50
        response = _refund(http, parent["id"], [{"sourceLineId": line_a["id"], "quantity": "1"}, {"sourceLineId": line_b["id"], "quantity": "1"}])
        assert response.status_code == 201, response.text
        partial = response.json()
        assert partial["status"] == "issued" and partial["number"] == "CH0002" and partial["issuedAt"]
        assert partial["refundOf"]["id"] == parent["id"] and partial["refundOf"]["number"] == parent["number"]
        assert [(l["quantity"], l["sourceLineId"]) for l in partial["lines"]] == [(-1, line_a["id"]), (-1, line_b["id"])]
        assert (partial["subtotal"], partial["vatTotal"], partial["total"], partial["cashPayment"]) == (-40, -7.6, -47.6, -47.6)
        assert (partial["cashRegisterName"], partial["fiscalNumber"]) == ("Casa 1", "AB123")  # inherited stamp
        _unprocessable(_refund(http, partial["id"]), "A refund receipt cannot itself be refunded.")
        # full (empty selection) takes what is left: 1 of A
        rest = _refund(http, parent["id"], [])
        assert rest.status_code == 201, rest.text
        assert [(l["quantity"], l["description"]) for l in rest.json()["lines"]] == [(-1, "Line A")]
        assert (rest.json()["total"], rest.json()["cashPayment"]) == (-11.9, -11.9)
        _unprocessable(_refund(http, parent["id"]), "Receipt has already been refunded.")
        # refunds and refunded receipts keep their lines: they are tied by sourceLineId
        _unprocessable(http.put(f"{BASE}/{partial['id']}", json={"lines": LINES}), "A refund receipt cannot be edited.")
        _unprocessable(http.put(f"{BASE}/{parent['id']}", json={"lines": LINES}), "A receipt with refunds cannot be edited; cancel its refunds first.")
        detail = http.get(f"{BASE}/{parent['id']}").json()
        assert [r["id"] for r in detail["refundedBy"]] == [partial["id"], rest.json()["id"]] and detail["status"] == "issued"
        # a cancelled refund gives its quantities back
        assert _to(http, partial, "cancel")["status"] == "cancelled"
        assert [r["id"] for r in http.get(f"{BASE}/{parent['id']}").json()["refundedBy"]] == [rest.json()["id"]]
        _unprocessable(
            _refund(http, parent["id"], [{"sourceLineId": line_b["id"], "quantity": "2"}]),
            'Requested quantity (2) exceeds remaining refundable quantity (1) for line "Line B".',
        )
        again = _refund(http, parent["id"], [{"sourceLineId": line_b["id"], "quantity": "0.5"}, {"sourceLineId": line_b["id"], "quantity": "0.5"}])
        assert again.status_code == 201 and [l["quantity"] for l in again.json()["lines"]] == [-1]
        # line discounts are scaled by the refunded share: 4 x 5.00 - 2.00, refund 1 -> -(5.00 - 0.50)
        discounted = _to(http, _new(http, lines=[{"description": "Pix", "quantity": "4", "unitPrice": "5", "discount": "2", "vatRate": "21"}]), "issue")
        one = _refund(http, discounted["id"], [{"sourceLineId": discounted["lines"][0]["id"], "quantity": "1"}]).json()
        assert (one["lines"][0]["discount"], one["lines"][0]["lineTotal"], one["discount"]) == (-0.5, -4.5, -0.5)


def test_list_envelope_totals_and_filters(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        http = app.http
        ids = [_new(http, issueDate=f"2026-02-0{day}", cashRegisterName=f"Casa {day % 2}")["id"] for day in range(1, 4)]
        _to(http, {"id": ids[0]}, "issue")
        _to(http, {"id": ids[1]}, "cancel")
        page = http.get(BASE, params={"page": 1, "limit": 2}).json()
        assert (page["total"], page["page"], page["limit"], page["pages"]) == (3, 1, 2, 2)
        assert [row["id"] for row in page["data"]] == [ids[2], ids[1]] and "lines" not in page["data"][0]
        # cancelled receipts are left out of the totals (2 x 30.31)
        assert (page["currency"], page["distinctCurrencies"]) == ("RON", ["RON"])
        assert page["totals"] == {"subtotal": 51.0, "vatTotal": 9.62, "total": 60.62, "receivable": 60.62, "payable": 0}
        assert http.get(BASE, params={"page": 2, "limit": 2}).json()["data"][0]["id"] == ids[0]
        assert [r["id"] for r in http.get(BASE, params={"status": "issued"}).json()["data"]] == [ids[0]]
        assert http.get(BASE, params={"from": "2026-02-02"}).json()["total"] == 2
        assert http.get(BASE, params={"to": "2026-02-01"}).json()["total"] == 1
        assert [r["id"] for r in http.get(BASE, params={"cashRegisterName": "Casa 0"}).json()["data"]] == [ids[1]]
        assert http.get(BASE, params={"status": "paid"}).status_code == 422
        assert http.get(BASE, params={"limit": 101}).status_code == 422
        _new(http, currency="EUR", exchangeRate="4.97")
        mixed = http.get(BASE).json()
        assert mixed["distinctCurrencies"] == ["EUR", "RON"] and mixed["currency"] == "RON" and mixed["totals"]["total"] == 60.62


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_pdf_in_the_receipt_language_with_diacritics(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        receipt = _to(app.http, _new(app.http, cashRegisterName="Casa Ștefan", cashPayment="30.31", customerName="Ana Țurcanu"), "issue")
        response = app.http.get(f"{BASE}/{receipt['id']}/pdf")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert f'filename="bon-{receipt["number"]}.pdf"' in response.headers["content-disposition"]
        text = _text(response.content)
        for expected in (receipt["number"], "Bon fiscal", "Plată ăâîșț", "Casa Ștefan", "Ana Țurcanu", "30,31 RON", "Numerar"):
            assert expected in text, expected
        english = _to(app.http, _new(app.http, language="en"), "issue")
        text = _text(app.http.get(f"{BASE}/{english['id']}/pdf").content)
        assert "Receipt" in text and "30.31 RON" in text and "Plată ăâîșț" in text
        assert "Kassenbon" in _text(app.http.get(f"{BASE}/{english['id']}/pdf", params={"language": "de"}).content)
        refund = _refund(app.http, receipt["id"]).json()
        text = _text(app.http.get(f"{BASE}/{refund['id']}/pdf").content)
        assert "Bon fiscal storno" in text and receipt["number"] in text and refund["number"] in text and "-30,31 RON" in text


async def test_other_organisations_company_is_403_and_roles_are_enforced(two_orgs):
    api, a, b = two_orgs
    mine = ok(await api.post(BASE, json={"lines": LINES}, headers=a.headers), 201)
    foreign = {**a.auth, "X-Company": b.company_id}
    for method, path in (
        ("get", BASE), ("post", BASE), ("get", f"{BASE}/{mine['id']}"), ("put", f"{BASE}/{mine['id']}"), ("delete", f"{BASE}/{mine['id']}"),
        ("post", f"{BASE}/{mine['id']}/issue"), ("post", f"{BASE}/{mine['id']}/refund"), ("get", f"{BASE}/{mine['id']}/pdf"),
    ):
        kwargs = {"json": {"lines": LINES}} if method in ("post", "put") else {}
        response = await getattr(api, method)(path, headers=foreign, **kwargs)
        assert response.status_code == 403 and response.json() == {"error": "Permission denied."}, (method, path, response.text)
    # B's company does not see A's receipt
    assert (await api.get(f"{BASE}/{mine['id']}", headers=b.headers)).status_code == 404
    assert ok(await api.get(BASE, headers=b.headers))["total"] == 0
    # an employee reads receipts but may not write them
    in_app(api, Membership.update({Membership.role: "employee"}).where(Membership.organisation.is_not_null()).run)
    assert ok(await api.get(f"{BASE}/{mine['id']}", headers=a.headers))["id"] == mine["id"]
    for method, path in (("post", BASE), ("post", f"{BASE}/{mine['id']}/issue"), ("delete", f"{BASE}/{mine['id']}")):
        kwargs = {"json": {"lines": LINES}} if method == "post" and path == BASE else {}
        denied = await getattr(api, method)(path, headers=a.headers, **kwargs)
        assert denied.status_code == 403 and denied.json() == {"error": "Permission denied."}, path
    assert ok(await api.get(f"{BASE}/{mine['id']}", headers=a.headers))["status"] == "draft"


def test_invoice_creates_follow_the_same_idempotency_rule(settings, registry):
    """Receipts and invoices share :mod:`core.invoicing.idempotency`; the invoice side still replays and refuses."""
    with running_appliance(settings, registry, embedded_workers=False) as app:
        body = app.invoice_body()
        first = app.http.post("/api/v1/invoices", json=body, headers={"Idempotency-Key": "inv-1"})
        assert first.status_code == 201, first.text
        replay = app.http.post("/api/v1/invoices", json=body, headers={"Idempotency-Key": "inv-1"})
        assert replay.status_code == 200 and replay.json()["invoice"]["id"] == first.json()["invoice"]["id"]
        other = app.http.post("/api/v1/invoices", json={**body, "notes": "other"}, headers={"Idempotency-Key": "inv-1"})
        assert other.status_code == 409 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
