"""Jobs through Redis (distributed mode's broker): a submission still reaches its final status."""

from __future__ import annotations

import time

from tests.support.appliance import running_appliance


def test_submission_through_redis_broker(settings, registry, redis_url):
    import msgspec
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings = msgspec.structs.replace(settings, broker_url=redis_url)
    with running_appliance(settings, registry) as app:
        draft = app.http.post("/api/v1/invoices", json=app.invoice_body()).json()["invoice"]
        issued = app.http.post(f"/api/v1/invoices/{draft['id']}/issue").json()["invoice"]
        assert app.http.post(f"/api/v1/invoices/{issued['id']}/submit").status_code == 200
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.http.get(f"/api/v1/invoices/{issued['id']}").json()["status"] != "validated":
            time.sleep(0.3)
        assert app.http.get(f"/api/v1/invoices/{issued['id']}").json()["status"] == "validated"
        keys = {k.decode() for k in redis.Redis.from_url(redis_url).keys("dramatiq:*")}
        assert "dramatiq:__heartbeats__" in keys, keys  # the workers consumed through Redis
