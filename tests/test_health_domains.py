"""Domain expiry through RDAP (real RFC 9083 documents on loopback), WHOIS as fallback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.health import run_checks
from pipeline.health.domains import parse_whois
from tests.conftest import Project
from tests.servers import Switchable, WhoisServer


def rdap_domain(name: str, expires: datetime) -> bytes:
    """An RFC 9083 domain object as a registry returns it."""
    return json.dumps(
        {
            "rdapConformance": ["rdap_level_0"],
            "objectClassName": "domain",
            "handle": f"{name.upper()}-ID",
            "ldhName": name,
            "status": ["active"],
            "events": [
                {"eventAction": "registration", "eventDate": "2015-03-02T00:00:00Z"},
                {"eventAction": "expiration", "eventDate": expires.strftime("%Y-%m-%dT%H:%M:%SZ")},
                {
                    "eventAction": "last update of RDAP database",
                    "eventDate": "2026-11-24T22:00:00Z",
                },
            ],
            "nameservers": [{"objectClassName": "nameserver", "ldhName": "ns1.example.id"}],
            "notices": [{"title": "Terms of Use", "description": ["Contoh."]}],
        }
    ).encode()


@pytest.fixture
def registry() -> Iterator[Switchable]:
    server = Switchable()
    yield server
    server.close()


@pytest.fixture
def whois() -> Iterator[WhoisServer]:
    server = WhoisServer({})
    yield server
    server.close()


def configure(
    project: Project, registry: Switchable, whois: WhoisServer, domains: list[str]
) -> None:
    bootstrap = project.root / "bootstrap.json"
    bootstrap.write_text(
        json.dumps(
            {"version": "1.0", "services": [[["id"], [f"http://127.0.0.1:{registry.port}/rdap/"]]]}
        )
    )
    config = yaml.safe_load((project.root / "warta.yml").read_text())
    config["health"] = {
        "rdap_bootstrap": str(bootstrap),
        "whois_servers": {"id": f"127.0.0.1:{whois.port}"},
        "endpoints": [
            {
                "name": d.split(".")[0],
                "url": registry.url("/ok"),
                "domain": d,
                "retries": 0,
                "conditions": ["[STATUS] == 200", "[DOMAIN_EXPIRATION] > 30d"],
            }
            for d in domains
        ],
    }
    (project.root / "warta.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_rdap_expiry_decides_the_condition(
    project: Project, registry: Switchable, whois: WhoisServer
) -> None:
    now = datetime.now(UTC)
    registry.documents["/rdap/domain/pa-uji.go.id"] = rdap_domain(
        "pa-uji.go.id", now + timedelta(days=200)
    )
    registry.documents["/rdap/domain/hampir.go.id"] = rdap_domain(
        "hampir.go.id", now + timedelta(days=10)
    )
    configure(project, registry, whois, ["pa-uji.go.id", "hampir.go.id"])
    report = run_checks(project.config)
    results = {r.name: r for r in report.results}
    assert results["pa-uji"].success and results["pa-uji"].unknown == []
    assert not results["hampir"].success
    assert results["hampir"].failed == ["[DOMAIN_EXPIRATION] > 30d"]
    assert report.domains["pa-uji"].source.startswith("rdap http://127.0.0.1")
    # A second run within health.domain_cache asks the registry nothing.
    asked = [h for h in registry.hits if h.startswith("/rdap/")]
    run_checks(project.config)
    assert [h for h in registry.hits if h.startswith("/rdap/")] == asked


def test_whois_fallback_and_unknown_is_a_warning(
    project: Project, registry: Switchable, whois: WhoisServer
) -> None:
    whois.answers["lama.go.id"] = (
        "Domain Name: LAMA.GO.ID\r\nExpiration Date: 2030-01-31 23:59:59\r\n"
    )
    configure(project, registry, whois, ["lama.go.id", "misteri.go.id"])
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "health", "check", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["endpoint"]: r for r in json.loads(result.output)}
    assert rows["lama"]["domain"]["expires"].startswith("2030-01-31")
    assert rows["lama"]["domain"]["source"] == f"whois 127.0.0.1:{whois.port}"
    assert rows["misteri"]["unknown"] == ["[DOMAIN_EXPIRATION] > 30d"]  # never OK
    assert rows["misteri"]["domain"]["expires"] is None
    assert "404" in rows["misteri"]["domain"]["problem"]
    assert "no expiry date" in rows["misteri"]["domain"]["problem"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Registry Expiry Date: 2027-08-01T04:00:00Z", "2027-08-01"),
        ("Expiration Date: 01-Aug-2027", None),  # an unreadable format is not guessed
        ("Expires On: 2027-08-01", "2027-08-01"),
        ("paid-till: 2027-08-01T21:00:00Z", "2027-08-01"),
    ],
)
def test_whois_formats(answer: str, expected: str | None) -> None:
    found = parse_whois(f"Domain: x\n{answer}\n")
    assert (found.date().isoformat() if found else None) == expected


def test_rdap_refresh(project: Project, registry: Switchable) -> None:
    registry.documents["/dns.json"] = json.dumps(
        {
            "version": "1.0",
            "services": [
                [["id"], ["https://rdap.pandi.id/rdap/"]],
                [["com", "net"], ["https://x.example/"]],
            ],
        }
    ).encode()
    runner = CliRunner()
    args = ["--config", str(project.root / "warta.yml"), "health", "rdap-refresh", "--url"]
    done = runner.invoke(cli, [*args, registry.url("/dns.json")])
    assert done.exit_code == 0 and "2 RDAP services" in done.output
    saved = Path(project.root / ".warta/rdap-dns.json")
    before = saved.read_bytes()
    registry.documents["/rusak.json"] = b'{"bukan": "bootstrap"}'
    refused = runner.invoke(cli, [*args, registry.url("/rusak.json")])
    assert refused.exit_code == 6 and "not an RDAP bootstrap" in refused.output
    assert saved.read_bytes() == before  # the old file stays
