"""Webhooks' pure parts: which URLs an endpoint may have, the secrets' form, the signed headers
(verified with the `standardwebhooks` library, as a receiver does), the retry schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.pipeline.webhooks import DeliveryPolicy, signed_headers
from app.services.records import WebhookEndpoint
from app.services.webhooks import UrlRules, checked_url, new_secret
from workflows.webhooks import WebhookRefused

PRODUCTION, DEVELOPMENT = UrlRules(https_only=True), UrlRules()
BODY = '{"data":{"status":"SCORED"},"type":"lead.status_changed"}'


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.acme.example/t-rex",
        "https://hooks.acme.example:8443/t-rex?site=1",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9000/hook",
    ],
)
def test_production_takes_https_and_loopback_http(url: str) -> None:
    assert checked_url(url, PRODUCTION) == url


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://hooks.acme.example/t-rex", "https only"),
        ("https://10.0.0.7/hook", "private network"),
        ("https://169.254.169.254/latest", "private network"),
        ("https://192.168.1.2/hook", "private network"),
    ],
)
def test_production_refuses_plain_http_and_private_addresses(url: str, rule: str) -> None:
    assert checked_url(url, DEVELOPMENT) == url  # development takes them
    with pytest.raises(WebhookRefused) as refused:
        checked_url(url, PRODUCTION)
    [error] = refused.value.errors
    assert (error.field, error.code) == ("url", "INVALID_URL")
    assert rule in error.message


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "ftp://hooks.example/x",
        "javascript:alert(1)",
        "https://",
        "hooks.example/x",
        "https://user:secret@hooks.example/x",
        "https://hooks.example/x#frag",
        "https://hooks.example:99999/x",
        "https://hooks.example/" + "x" * 2000,
    ],
)
def test_anything_but_an_http_url_is_refused_in_every_profile(url: str) -> None:
    for rules in (DEVELOPMENT, PRODUCTION):
        with pytest.raises(WebhookRefused) as refused:
            checked_url(url, rules)
        assert [(e.field, e.code) for e in refused.value.errors] == [("url", "INVALID_URL")]
        assert "secret" not in str(refused.value)  # the message never quotes the URL


def test_secrets_are_standard_webhooks_secrets_and_differ() -> None:
    made = {new_secret() for _ in range(50)}
    assert len(made) == 50
    assert all(s.startswith("whsec_") and len(s) == 6 + 32 for s in made)
    Webhook(next(iter(made)))  # the library takes it


def _endpoint(previous_until: datetime | None) -> WebhookEndpoint:
    now = datetime.now(UTC)
    return WebhookEndpoint(
        "wh_1", "site_1", "https://x.example", new_secret(), now, new_secret(), previous_until
    )


def test_the_headers_verify_with_the_library_and_only_with_the_secret() -> None:
    endpoint = _endpoint(None)
    now = datetime.now(UTC)
    headers = signed_headers(endpoint, "msg_1", BODY, now)
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert Webhook(endpoint.secret).verify(BODY, headers) == {
        "data": {"status": "SCORED"},
        "type": "lead.status_changed",
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(BODY.replace("SCORED", "REJECTED"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(BODY, {**headers, "webhook-id": "msg_2"})


def test_the_previous_secret_signs_during_its_grace_and_not_after() -> None:
    now = datetime.now(UTC)
    during = _endpoint(now + timedelta(hours=1))
    headers = signed_headers(during, "msg_1", BODY, now)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert during.previous_secret is not None
    Webhook(during.previous_secret).verify(BODY, headers)
    Webhook(during.secret).verify(BODY, headers)

    after = _endpoint(now - timedelta(seconds=1))
    headers = signed_headers(after, "msg_1", BODY, now)
    assert len(headers["webhook-signature"].split(" ")) == 1
    assert after.previous_secret is not None
    with pytest.raises(WebhookVerificationError):
        Webhook(after.previous_secret).verify(BODY, headers)


def test_retries_wait_longer_each_time_up_to_the_cap() -> None:
    policy = DeliveryPolicy(attempts=12, first_retry_seconds=5, max_retry_seconds=3600)
    rng = random.Random(7)
    delays = [policy.delay(n, rng) for n in range(1, 12)]
    assert 2.5 <= delays[0] <= 5
    assert all(
        0.5 * min(3600, 5 * 2 ** (n - 1)) <= d <= min(3600, 5 * 2 ** (n - 1))
        for n, d in enumerate(delays, 1)
    )
    assert max(delays) <= 3600
    assert sum(delays) > 3600  # over an hour of retries before a delivery is given up
