"""`trex host-site create` and `trex host-site origins` on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'sites.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    main(["host-site", *argv])
    printed: dict[str, object] = json.loads(capsys.readouterr().out)
    return printed


@pytest.mark.usefixtures("database")
def test_a_sites_origins_are_replaced(capsys: pytest.CaptureFixture[str]) -> None:
    created = run(capsys, "create", "--name", "Acme", "--origin", "https://Cars.Acme.example/")
    assert created["origins"] == ["https://cars.acme.example"]
    assert str(created["publishable_key"]).startswith("pk_")

    changed = run(
        capsys,
        "origins",
        "--id",
        str(created["id"]),
        "--origin",
        "https://shop.acme.example",
        "--origin",
        "http://localhost:8080",
    )
    assert changed == {
        "id": created["id"],
        "name": "Acme",
        "origins": ["https://shop.acme.example", "http://localhost:8080"],
    }


@pytest.mark.usefixtures("database")
def test_a_bad_origin_or_site_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as bad_origin:
        main(["host-site", "create", "--name", "Acme", "--origin", "https://acme.example/shop"])
    assert bad_origin.value.code == 2
    assert "'https://acme.example/shop' is not an origin" in capsys.readouterr().err

    with pytest.raises(SystemExit) as unknown:
        main(["host-site", "origins", "--id", "site_nope", "--origin", "https://a.example"])
    assert unknown.value.code == 2
    assert "No host site 'site_nope'." in capsys.readouterr().err


@pytest.mark.usefixtures("database")
def test_a_sites_variants_are_set_checked_and_cleared(capsys: pytest.CaptureFixture[str]) -> None:
    site = str(run(capsys, "create", "--name", "Acme", "--origin", "https://acme.example")["id"])
    pinned = run(capsys, "variants", "--id", site, "--split", "a=1:60, b=1:40")
    assert pinned == {
        "id": site,
        "name": "Acme",
        "variants": [
            {"name": "a", "version": 1, "weight": 60},
            {"name": "b", "version": 1, "weight": 40},
        ],
    }
    for split, named in [
        ("a=1:50,b=99:50", "variant 'b': version 99 of 'trex' is not defined (defined: 1"),
        ("a=1:0", "variant 'a': a weight is an integer from 1 to 10000"),
        ("Not A Slug=1", "is not name=version:weight"),
    ]:
        with pytest.raises(SystemExit) as refused:
            main(["host-site", "variants", "--id", site, "--split", split])
        assert refused.value.code == 2
        assert named in capsys.readouterr().err
    assert run(capsys, "variants", "--id", site, "--clear")["variants"] == []
    with pytest.raises(SystemExit) as unknown:
        main(["host-site", "variants", "--id", "site_nope", "--clear"])
    assert unknown.value.code == 2
    assert "No host site 'site_nope'." in capsys.readouterr().err
