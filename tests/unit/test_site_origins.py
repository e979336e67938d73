"""Origins as browsers send them, and which ones count as this machine's."""

from __future__ import annotations

import pytest

from app.services.site_origins import InvalidOrigin, is_loopback, normalize_origin


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://Cars.Acme.example", "https://cars.acme.example"),
        ("https://cars.acme.example:443/", "https://cars.acme.example"),
        ("http://cars.acme.example:8080", "http://cars.acme.example:8080"),
        ("http://[::1]:3000", "http://[::1]:3000"),
    ],
)
def test_origins_are_written_as_browsers_send_them(given: str, origin: str) -> None:
    assert normalize_origin(given) == origin


@pytest.mark.parametrize(
    "given",
    [
        "cars.acme.example",
        "https://cars.acme.example/shop",
        "ftp://x.example",
        "null",
        "https://a.example?q",
        "http://u@a.example",
        "https://a.example:99999",
    ],
)
def test_anything_else_is_refused_by_name(given: str) -> None:
    with pytest.raises(InvalidOrigin, match="is not an origin"):
        normalize_origin(given)


@pytest.mark.parametrize(
    ("origin", "loopback"),
    [
        ("http://127.0.0.1:5173", True),
        ("http://localhost:3000", True),
        ("https://localhost", True),
        ("http://[::1]:8080", True),
        ("http://localhost.evil.example", False),
        ("http://127.0.0.1.evil.example", False),
        ("http://10.0.0.1:8000", False),
        ("null", False),
    ],
)
def test_loopback_means_this_machine_only(origin: str, loopback: bool) -> None:
    assert is_loopback(origin) is loopback
