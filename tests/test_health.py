"""Health checks against real servers on loopback: nginx over HTTP and HTTPS, and more."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.health import list_incidents, run_checks, run_freshness
from pipeline.commands.publish import publish
from pipeline.health import status_page
from pipeline.health.history import Incident
from tests.conftest import MKDOCS_YML, WARTA_YML, Project
from tests.english import english_words
from tests.servers import MailSink, Nginx, Switchable, free_port

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, nginx_factory: Callable[[Path], Nginx]
) -> Iterator[tuple[Project, Nginx]]:
    """A published project whose site/ nginx serves over HTTP and three HTTPS ports."""
    project = Project(tmp_path_factory.mktemp("served"))
    project.write("warta.yml", WARTA_YML)
    project.write("mkdocs.yml", MKDOCS_YML)
    project.write("content/index.md", "---\ntitle: Beranda\n---\n# Beranda\n\nSelamat datang.\n")
    project.write("content/berita/index.md", "# Berita\n")
    project.published("visi-misi", "profil", title="Visi dan Misi Pengadilan")
    project.published("kegiatan-pertama")
    publish(project.config, now=NOW)
    yield project, nginx_factory(project.root / "site")


@pytest.fixture
def switchable() -> Iterator[Switchable]:
    server = Switchable()
    yield server
    server.close()


def configure(project: Project, endpoints: list[dict[str, object]], **extra: object) -> None:
    text = (project.root / "warta.yml").read_text().split("\nhealth:")[0]
    health = {
        "endpoints": endpoints,
        **extra,
        "database": str(
            project.root
            / ".warta"
            / "health-{}.sqlite".format("-".join(str(e["name"]) for e in endpoints))
        ),
    }
    (project.root / "warta.yml").write_text(
        text + "\n" + yaml.safe_dump({"health": health}, sort_keys=False)
    )


def by_name(report: object) -> dict[str, object]:
    return {r.name: r for r in report.results}  # type: ignore[attr-defined]


def test_site_over_http_and_https(served: tuple[Project, Nginx]) -> None:
    project, nginx = served
    ca = str(nginx.ca_bundle)
    configure(
        project,
        [
            {
                "name": "beranda",
                "url": f"http://127.0.0.1:{nginx.http}/",
                "conditions": [
                    "[STATUS] == 200",
                    "[BODY] contains Selamat datang",
                    "[RESPONSE_TIME] < 5000",
                ],
            },
            {
                "name": "api",
                "url": f"http://127.0.0.1:{nginx.http}/api/index.json",
                "conditions": ["[STATUS] == 200", "[BODY] contains kegiatan-pertama"],
            },
            {
                "name": "https",
                "url": f"https://127.0.0.1:{nginx.https['valid']}/",
                "ca_bundle": ca,
                "conditions": ["[STATUS] == 200", "[CERTIFICATE_EXPIRATION] > 30d"],
            },
            {
                "name": "segera-habis",
                "url": f"https://127.0.0.1:{nginx.https['soon']}/",
                "ca_bundle": ca,
                "retries": 0,
                "conditions": ["[STATUS] == 200", "[CERTIFICATE_EXPIRATION] > 14d"],
            },
            {
                "name": "kedaluwarsa",
                "url": f"https://127.0.0.1:{nginx.https['expired']}/",
                "ca_bundle": ca,
                "retries": 0,
            },
            {"name": "rusak", "url": f"http://127.0.0.1:{nginx.http}/rusak", "retries": 0},
            {"name": "tertutup", "url": f"http://127.0.0.1:{free_port()}/", "retries": 0},
            {
                "name": "tanpa-sertifikat",
                "url": f"http://127.0.0.1:{nginx.http}/",
                "conditions": ["[CERTIFICATE_EXPIRATION] > 14d"],
            },
        ],
    )
    results = by_name(run_checks(project.config))
    ok = {name for name, r in results.items() if r.success}  # type: ignore[attr-defined]
    assert ok == {"beranda", "api", "https", "tanpa-sertifikat"}
    assert 364 <= results["https"].certificate_days <= 365  # type: ignore[attr-defined]
    soon = results["segera-habis"]
    assert soon.failed == ["[CERTIFICATE_EXPIRATION] > 14d"]  # type: ignore[attr-defined]
    assert 4 <= soon.certificate_days <= 5  # type: ignore[attr-defined]
    expired = results["kedaluwarsa"]
    assert "certificate has expired" in expired.error  # type: ignore[attr-defined]
    assert expired.certificate_days < 0  # type: ignore[attr-defined]
    assert results["rusak"].observation.status == 500  # type: ignore[attr-defined]
    assert "cannot connect" in results["tertutup"].error  # type: ignore[attr-defined]
    # No certificate on plain HTTP: the condition is unknown — a warning, never OK.
    assert results["tanpa-sertifikat"].unknown == [  # type: ignore[attr-defined]
        "[CERTIFICATE_EXPIRATION] > 14d"
    ]


def test_slow_endpoint_times_out_and_retries(
    served: tuple[Project, Nginx], switchable: Switchable
) -> None:
    project, _ = served
    switchable.delay = 1.0
    configure(
        project,
        [
            {
                "name": "lambat",
                "url": switchable.url("/slow"),
                "timeout": "0.3s",
                "retries": 1,
                "retry_delay": "0.05s",
            }
        ],
    )
    (result,) = run_checks(project.config).results
    assert not result.success and result.error == "timed out" and result.attempts == 2


def test_confirmation_incidents_and_recovery(
    served: tuple[Project, Nginx], switchable: Switchable
) -> None:
    project, _ = served
    configure(
        project,
        [
            {
                "name": "layanan",
                "url": switchable.url("/flip"),
                "retries": 0,
                "failure_threshold": 2,
                "success_threshold": 2,
            }
        ],
    )
    assert run_checks(project.config).states["layanan"].state == "up"
    switchable.healthy = False
    first = run_checks(project.config)
    assert first.states["layanan"].state == "up" and first.transitions == []  # not confirmed
    second = run_checks(project.config)
    assert [(t.before, t.after) for t in second.transitions] == [("up", "down")]
    (incident,) = list_incidents(project.config, open_only=True)
    assert "[STATUS] == 200" in incident.cause
    third = run_checks(project.config)
    assert third.transitions == []  # still down: no second incident, no second alert
    switchable.healthy = True
    assert run_checks(project.config).transitions == []  # one success is not enough
    back = run_checks(project.config)
    assert [(t.before, t.after) for t in back.transitions] == [("down", "up")]
    assert list_incidents(project.config, open_only=True) == []
    (closed,) = list_incidents(project.config)
    assert closed.closed_at is not None


def test_maintenance_window_keeps_state(
    served: tuple[Project, Nginx], switchable: Switchable
) -> None:
    project, _ = served
    local = datetime.now(UTC) + timedelta(hours=8)  # Asia/Makassar
    start = (local - timedelta(minutes=30)).strftime("%H:%M")
    endpoints = [
        {
            "name": "pemeliharaan",
            "url": switchable.url("/flip"),
            "retries": 0,
            "failure_threshold": 1,
        }
    ]
    configure(project, endpoints)
    assert run_checks(project.config).states["pemeliharaan"].state == "up"
    configure(project, endpoints, maintenance=[{"start": start, "duration": "1h"}])
    switchable.healthy = False
    report = run_checks(project.config)
    assert report.maintenance and report.transitions == []
    assert report.states["pemeliharaan"].state == "up"
    assert not report.ok  # the failure itself is still reported and recorded


def test_cli_exit_codes_and_json(served: tuple[Project, Nginx]) -> None:
    project, nginx = served
    configure(project, [{"name": "beranda", "url": f"http://127.0.0.1:{nginx.http}/"}])
    runner = CliRunner()
    args = ["--config", str(project.root / "warta.yml"), "health"]
    good = runner.invoke(cli, [*args, "check", "--format", "json"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)[0]["state"] == "up"
    configure(
        project,
        [
            {
                "name": "rusak",
                "url": f"http://127.0.0.1:{nginx.http}/rusak",
                "retries": 0,
                "failure_threshold": 1,
            }
        ],
    )
    bad = runner.invoke(cli, [*args, "check"])
    assert bad.exit_code == 1
    assert "incident opened: rusak" in bad.output
    listed = runner.invoke(cli, [*args, "incidents", "--open"])
    assert "rusak" in listed.output and "open" in listed.output


def test_freshness_from_content_and_live_site(served: tuple[Project, Nginx]) -> None:
    project, nginx = served
    configure(project, [], live_url=f"http://127.0.0.1:{nginx.http}/")
    fresh = run_freshness(project.config, now=datetime(2026, 11, 22, 1, 0, tzinfo=UTC))
    assert [(v.category, v.stale) for v in fresh["content"]] == [("berita", False)]
    assert [(v.category, v.stale) for v in fresh["live"]] == [("berita", False)]
    later = run_freshness(project.config, now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    (verdict,) = later["content"]
    assert verdict.stale and verdict.newest and verdict.newest.slug == "kegiatan-pertama"
    assert verdict.age and verdict.age > timedelta(days=7)
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(project.root / "warta.yml"),
            "health",
            "freshness",
            "--now",
            "2026-12-01T09:00+08:00",
        ],
    )
    assert result.exit_code == 1 and "STALE" in result.output


def test_freshness_live_site_unreachable(served: tuple[Project, Nginx]) -> None:
    project, _ = served
    configure(project, [], live_url=f"http://127.0.0.1:{free_port()}/")
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "health", "freshness"]
    )
    assert result.exit_code == 6 and "--no-live" in result.output


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    yield sink
    sink.close()


def test_alerts_on_state_changes_only(
    served: tuple[Project, Nginx], switchable: Switchable, mail_sink: MailSink
) -> None:
    project, _ = served
    configure(
        project,
        [{"name": "layanan", "url": switchable.url("/flip"), "retries": 0, "failure_threshold": 2}],
        alerts={
            "email": {
                "to": ["admin@pa-uji.example"],
                "sender": "warta@pa-uji.example",
                "host": "127.0.0.1",
                "port": mail_sink.port,
            },
            "webhooks": [switchable.url("/hook")],
        },
    )
    run_checks(project.config)
    switchable.healthy = False
    run_checks(project.config)  # one failure: not confirmed, nothing sent
    assert mail_sink.messages == [] and switchable.posted == []
    down = run_checks(project.config)
    assert [d.ok for d in down.deliveries] == [True, True]
    run_checks(project.config)  # still down: no second alert
    switchable.healthy = True
    run_checks(project.config)
    subjects = [m["Subject"] for m in mail_sink.messages]
    assert subjects == [
        "[Pengadilan Agama Uji] layanan TIDAK DAPAT DIAKSES",
        "[Pengadilan Agama Uji] layanan kembali normal",
    ]
    body = mail_sink.messages[0].get_content()
    assert "Penyebab: syarat pemeriksaan tidak terpenuhi: [STATUS] == 200" in body
    events = [json.loads(body) for body in switchable.posted]
    assert [(e["event"], e["endpoint"]) for e in events] == [("down", "layanan"), ("up", "layanan")]


def test_unreachable_alert_channel_loses_nothing(
    served: tuple[Project, Nginx], switchable: Switchable
) -> None:
    project, _ = served
    configure(
        project,
        [{"name": "mati", "url": switchable.url("/flip"), "retries": 0, "failure_threshold": 1}],
        alerts={
            "email": {
                "to": ["admin@pa-uji.example"],
                "sender": "w@pa-uji.example",
                "port": free_port(),
            }
        },
    )
    switchable.healthy = False
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "health", "check"]
    )
    assert result.exit_code == 1 and "alert not sent (email, mati)" in result.output
    assert len(list_incidents(project.config, open_only=True)) == 1  # recorded all the same


def test_status_page_from_history(served: tuple[Project, Nginx], switchable: Switchable) -> None:
    project, nginx = served
    configure(
        project,
        [
            {"name": "beranda", "url": f"http://127.0.0.1:{nginx.http}/"},
            {
                "name": "layanan",
                "url": switchable.url("/flip"),
                "retries": 0,
                "failure_threshold": 1,
            },
        ],
    )
    run_checks(project.config)
    switchable.healthy = False
    run_checks(project.config)  # layanan goes down: an incident
    page = (project.root / "site/status/index.html").read_text()
    data = json.loads((project.root / "site/status/status.json").read_text())
    states = {e["name"]: (e["state"], e["uptime"]["24h"]) for e in data["endpoints"]}
    assert states == {"beranda": ("up", 1.0), "layanan": ("down", 0.5)}
    assert [i["endpoint"] for i in data["incidents"]] == ["layanan"]
    assert data["incidents"][0]["closed_at"] is None
    assert "<title>Status Layanan — Pengadilan Agama Uji</title>" in page
    assert '<td class="down">Gangguan</td>' in page and "50,00%" in page
    assert page.count("<polyline") == 2  # a response-time chart per endpoint
    assert "<script" not in page
    # A rebuild of the site keeps the status page (the plugin writes it too).
    publish(project.config, now=NOW)
    rebuilt = json.loads((project.root / "site/status/status.json").read_text())
    assert [i["endpoint"] for i in rebuilt["incidents"]] == ["layanan"]


def _status_data() -> status_page.StatusData:
    now = datetime(2026, 11, 1, 0, 20, 44, 123456, tzinfo=UTC)
    points = [(now - timedelta(hours=h), 150.0 + 10 * h) for h in (20, 12, 4, 1)]
    return status_page.StatusData(
        now,
        [
            status_page.EndpointStatus(
                "beranda", "up", {"24h": 1.0, "7d": 0.99876, "30d": 0.9995}, points
            ),
            status_page.EndpointStatus("layanan", "down", {"24h": 0.0, "7d": 0.5, "30d": None}),
            status_page.EndpointStatus("baru", "unknown", {"24h": None, "7d": None, "30d": None}),
        ],
        [
            Incident(
                1,
                "layanan",
                now - timedelta(hours=30),
                None,
                "cannot connect: All connection attempts failed",
                "",
            ),
            Incident(
                2,
                "beranda",
                now - timedelta(days=3),
                now - timedelta(days=3) + timedelta(minutes=12),
                "timed out",
                "checks pass again",
            ),
        ],
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_status_page_golden(language: str) -> None:
    """The public page in each language, against tests/golden/status/ (UPDATE_GOLDEN=1)."""
    page = status_page.render(
        _status_data(), site_name="Pengadilan Agama Uji", language=language, tz="Asia/Makassar"
    )
    golden = Path(__file__).parent / "golden" / "status" / f"index.{language}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_status_page_speaks_indonesian_only() -> None:
    page = status_page.render(
        _status_data(), site_name="Pengadilan Agama Uji", language="id", tz="Asia/Makassar"
    )
    assert english_words(page) == []
    assert "tidak dapat terhubung ke server" in page  # the cause, not httpx's English
    assert "All connection attempts failed" not in page
    assert "1 November 2026 08.20 WITA" in page and "99,88%" in page
    assert "Ketersediaan 24 jam" in page and "Ketersediaan 30 hari" in page
    english = status_page.render(
        _status_data(), site_name="Pengadilan Agama Uji", language="en", tz="Asia/Makassar"
    )
    assert "cannot connect to the server" in english


def test_alerts_through_apprise(
    served: tuple[Project, Nginx],
    switchable: Switchable,
    mail_sink: MailSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-mail, a JSON webhook, a Teams-style and a Telegram-style endpoint, all through
    apprise URLs in warta.yml, received by servers on 127.0.0.1; the bot token comes from
    the environment, never from warta.yml."""
    project, _ = served
    hook = f"127.0.0.1:{switchable.port}"
    monkeypatch.setenv("WARTA_BOT_TOKEN", "123456:rahasia")
    configure(
        project,
        [{"name": "layanan", "url": switchable.url("/flip"), "retries": 0, "failure_threshold": 1}],
        alerts={
            "apprise": [
                f"mailto://127.0.0.1:{mail_sink.port}?mode=insecure&from=warta@pa-uji.example"
                "&to=admin@pa-uji.example&cto=3&rto=3",
                f"json://{hook}/hook",
                # Teams' incoming webhooks take {"title", "text"}
                f"json://{hook}/teams?:version=&:type=&:attachments=&:message=text",
                # a Telegram-style bot API: /bot<token>/sendMessage with chat_id and text
                f"json://{hook}/bot${{WARTA_BOT_TOKEN}}/sendMessage?:version=&:type="
                "&:attachments=&:title=&:message=text&:chat_id=-100123",
            ]
        },
    )
    assert "rahasia" not in (project.root / "warta.yml").read_text()
    run_checks(project.config)
    switchable.healthy = False
    down = run_checks(project.config)
    assert [(d.channel.split(" ", 1)[0], d.ok) for d in down.deliveries] == [("apprise", True)] * 4
    assert all("rahasia" not in d.channel for d in down.deliveries)  # tokens never shown
    (message,) = mail_sink.messages
    assert message["Subject"] == "[Pengadilan Agama Uji] layanan TIDAK DAPAT DIAKSES"
    text = message.get_body(preferencelist=("plain",))
    assert text is not None and "Penyebab: syarat pemeriksaan tidak terpenuhi" in text.get_content()
    posts = dict(zip(switchable.posted_to, map(json.loads, switchable.posted), strict=True))
    assert posts["/hook"]["title"] == "[Pengadilan Agama Uji] layanan TIDAK DAPAT DIAKSES"
    assert set(posts["/teams"]) == {"title", "text"} and "Penyebab" in posts["/teams"]["text"]
    telegram = posts["/bot123456:rahasia/sendMessage"]
    assert telegram["chat_id"] == "-100123" and "TIDAK DAPAT DIAKSES" not in telegram["text"]
    assert "gagal sejak" in telegram["text"]


def test_apprise_channel_failures_are_reported_not_raised(
    served: tuple[Project, Nginx], switchable: Switchable, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = served
    monkeypatch.delenv("WARTA_BOT_TOKEN", raising=False)
    closed = free_port()
    configure(
        project,
        [{"name": "layanan", "url": switchable.url("/flip"), "retries": 0, "failure_threshold": 1}],
        alerts={
            "apprise": [
                f"json://127.0.0.1:{closed}/hook?cto=2&rto=2",
                "json://127.0.0.1:1/bot${WARTA_BOT_TOKEN}/sendMessage",
            ]
        },
    )
    run_checks(project.config)
    switchable.healthy = False
    down = run_checks(project.config)
    errors = sorted(d.error for d in down.deliveries)
    assert [d.ok for d in down.deliveries] == [False, False]
    assert "environment variable WARTA_BOT_TOKEN is not set" in errors[1]
    assert "Connection error" in errors[0]
    assert len(list_incidents(project.config, open_only=True)) == 1  # recorded all the same


def test_an_unknown_apprise_service_is_a_config_error(project: Project) -> None:
    configure(project, [], alerts={"apprise": ["carrier-pigeon://coop/42"]})
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "health", "check"]
    )
    assert result.exit_code == 3, result.output
    assert "health.alerts.apprise" in result.output and "not an apprise URL" in result.output
