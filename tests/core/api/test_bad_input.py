"""Bad input gets a clear 4xx error and changes nothing."""

from __future__ import annotations

from tests.support.appliance import running_appliance

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol4;</Invoice>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&x;</ID></Invoice>"""


def _count(app) -> int:
    return app.http.get("/api/v1/invoices", params={"limit": 100}).json()["total"]


def test_bad_requests_are_4xx_and_change_nothing(settings, registry):
    with running_appliance(settings, registry, embedded_workers=False) as app:
        before = _count(app)
        malformed = app.http.post("/api/v1/invoices", content=b'{"clientId": "x", "lines": [', headers={"Content-Type": "application/json"})
        assert malformed.status_code == 400 and malformed.json()["error"]
        wrong_type = app.http.post("/api/v1/invoices", json={"clientId": app.client_id, "lines": [{"description": "x", "quantity": "lots", "unitPrice": 1}]})
        assert wrong_type.status_code == 400 and "quantity" in wrong_type.json()["error"]
        wrong_type2 = app.http.post("/api/v1/invoices", json={"clientId": app.client_id, "lines": "not a list"})
        assert wrong_type2.status_code == 400
        for payload in (BILLION_LAUGHS, XXE):
            answer = app.http.post("/api/v1/invoices/import", content=payload, headers={"Content-Type": "application/xml"})
            assert answer.status_code == 400, answer.text
            assert answer.json()["code"] == "PARSE_ERROR" and "DOCTYPE" in answer.json()["error"]
            assert "root:" not in answer.text
        oversized = app.http.post("/api/v1/invoices/import", content=b"<a>" + b"x" * (settings.max_body_bytes + 10) + b"</a>", headers={"Content-Type": "application/xml"})
        assert oversized.status_code == 413 and oversized.json()["error"]
        bad_query = app.http.get("/api/v1/invoices", params={"limit": 1000})
        assert bad_query.status_code == 422 and bad_query.json()["details"][0]["key"] == "limit"
        bad_sort = app.http.get("/api/v1/invoices", params={"sort": "colour"})
        assert bad_sort.status_code == 422 and bad_sort.json()["details"][0]["key"] == "sort"
        assert _count(app) == before
