"""What a person reads for the visitor module's technical names: rules and agent families.

Rule ids (``sql-injection``) and the agent families of :mod:`pipeline.visitors.agents`
(``Crawlers``, ``Feeds``, ``Others``, ``Unknown``) are data keys; the reports, tickets and
alerts show these labels instead (``rule.<id>``, ``rule.<id>.why``, ``agent.<family>`` in the
catalogue of :mod:`pipeline.i18n`). A rule without a label fails ``tests/test_i18n.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline import i18n
from pipeline.i18n import Locale

i18n.register(
    {
        "id": {
            "rule.probing": "pemindaian alamat",
            "rule.probing.why": "banyak alamat berbeda yang dijawab 4xx",
            "rule.sensitive-files": "pencarian berkas rahasia",
            "rule.sensitive-files.why": "meminta rahasia, repositori atau cadangan (.env, .git, "
            ".sql)",
            "rule.admin-probing": "pencarian halaman admin",
            "rule.admin-probing.why": "meminta halaman CMS atau admin yang tidak dimiliki situs "
            "statis",
            "rule.sql-injection": "injeksi SQL",
            "rule.sql-injection.why": "pola injeksi SQL dalam permintaan",
            "rule.xss": "skrip lintas situs (XSS)",
            "rule.xss.why": "pola skrip lintas situs dalam permintaan",
            "rule.path-traversal": "penelusuran direktori",
            "rule.path-traversal.why": "pola penelusuran direktori (../) dalam permintaan",
            "rule.bad-agent": "alat serangan",
            "rule.bad-agent.why": "agen pengguna alat serangan atau pemindai yang dikenal",
            "rule.aggressive-crawling": "perayapan berlebihan",
            "rule.aggressive-crawling.why": "lebih dari 300 permintaan dalam satu menit",
            "rule.flood-400": "banjir permintaan rusak",
            "rule.flood-400.why": "banyak jawaban 400 Bad Request",
            "rule.log4j": "eksploit Log4Shell",
            "rule.log4j.why": "pencarian ${jndi:…} di permintaan, agen pengguna atau perujuk "
            "(CVE-2021-44228)",
            "rule.spring4shell": "eksploit Spring4Shell",
            "rule.spring4shell.why": "parameter class-loader Spring (CVE-2022-22965)",
            "rule.thinkphp": "eksploit ThinkPHP",
            "rule.thinkphp.why": "eksekusi kode ThinkPHP (invokefunction, CVE-2018-20062)",
            "rule.ognl-injection": "injeksi OGNL",
            "rule.ognl-injection.why": "injeksi ekspresi OGNL (${…}, %{…}: Struts, Confluence)",
            "rule.backdoors": "pencarian web shell",
            "rule.backdoors.why": "meminta web shell PHP yang dikenal (c99.php, wso.php, …)",
            "rule.cve-probing": "pencarian celah yang dikenal",
            "rule.cve-probing.why": "meminta alamat celah keamanan yang dikenal (Ignition, "
            "Telerik, Confluence, …)",
            "rule.remote-file-inclusion": "inklusi berkas jarak jauh",
            "rule.remote-file-inclusion.why": "parameter yang nilainya sebuah URL (?page=http://…)",
            "rule.wordpress-user-enum": "enumerasi pengguna WordPress",
            "rule.wordpress-user-enum.why": "mendaftar penulis WordPress (?author=1, ?author=2, …)",
            "rule.open-proxy": "pencarian proxy terbuka",
            "rule.open-proxy.why": "memakai server sebagai proxy (CONNECT, atau URL lengkap)",
            "rule.invalid-http-version": "versi HTTP tidak sah",
            "rule.invalid-http-version.why": "versi HTTP yang tidak ada",
            "rule.switching-agents": "pergantian agen pengguna",
            "rule.switching-agents.why": "satu alamat berganti-ganti agen pengguna dengan cepat",
            "rule.brute-force": "tebak kata sandi",
            "rule.brute-force.why": "percobaan masuk berulang (POST ke formulir masuk, jawaban "
            "401/403)",
            "agent.Feeds": "Pembaca umpan (RSS)",
            "agent.Crawlers": "Perayap (robot)",
            "agent.Others": "Lainnya",
            "agent.Unknown": "Tidak dikenal",
        },
        "en": {
            "rule.probing": "path probing",
            "rule.probing.why": "many different paths answered 4xx",
            "rule.sensitive-files": "sensitive files",
            "rule.sensitive-files.why": "asks for secrets, repositories or backups (.env, .git, "
            ".sql)",
            "rule.admin-probing": "admin probing",
            "rule.admin-probing.why": "asks for CMS or admin pages a static site does not have",
            "rule.sql-injection": "SQL injection",
            "rule.sql-injection.why": "SQL injection patterns in the request",
            "rule.xss": "cross-site scripting (XSS)",
            "rule.xss.why": "cross-site scripting patterns in the request",
            "rule.path-traversal": "path traversal",
            "rule.path-traversal.why": "path traversal patterns (../) in the request",
            "rule.bad-agent": "attack tool",
            "rule.bad-agent.why": "user agent of a known attack or scanning tool",
            "rule.aggressive-crawling": "aggressive crawling",
            "rule.aggressive-crawling.why": "more than 300 requests in a minute",
            "rule.flood-400": "bad-request flood",
            "rule.flood-400.why": "a flood of 400 Bad Request answers",
            "rule.log4j": "Log4Shell exploit",
            "rule.log4j.why": "Log4Shell lookup (${jndi:…}) in the request, user agent or "
            "referrer (CVE-2021-44228)",
            "rule.spring4shell": "Spring4Shell exploit",
            "rule.spring4shell.why": "Spring class-loader parameters (CVE-2022-22965)",
            "rule.thinkphp": "ThinkPHP exploit",
            "rule.thinkphp.why": "ThinkPHP remote code execution (invokefunction, CVE-2018-20062)",
            "rule.ognl-injection": "OGNL injection",
            "rule.ognl-injection.why": "OGNL or expression-language injection (${…}, %{…}: "
            "Struts, Confluence)",
            "rule.backdoors": "web shell probing",
            "rule.backdoors.why": "asks for a known PHP web shell (c99.php, wso.php, …)",
            "rule.cve-probing": "known-vulnerability probing",
            "rule.cve-probing.why": "asks for paths of known vulnerabilities (Ignition, Telerik, "
            "Confluence, …)",
            "rule.remote-file-inclusion": "remote file inclusion",
            "rule.remote-file-inclusion.why": "a parameter whose value is a URL (?page=http://…)",
            "rule.wordpress-user-enum": "WordPress user enumeration",
            "rule.wordpress-user-enum.why": "enumerates WordPress authors (?author=1, ?author=2, "
            "…)",
            "rule.open-proxy": "open-proxy probing",
            "rule.open-proxy.why": "uses the server as a proxy (CONNECT, or an absolute URL)",
            "rule.invalid-http-version": "invalid HTTP version",
            "rule.invalid-http-version.why": "an HTTP version that does not exist",
            "rule.switching-agents": "switching user agents",
            "rule.switching-agents.why": "one address switching user agents quickly",
            "rule.brute-force": "brute force",
            "rule.brute-force.why": "repeated login attempts (POST to a login form, 401/403 "
            "answers)",
            "agent.Feeds": "Feed readers (RSS)",
            "agent.Crawlers": "Crawlers (bots)",
            "agent.Others": "Others",
            "agent.Unknown": "Unknown",
        },
    }
)


def rule_name(rule: str, loc: Locale) -> str:
    """The rule's name in ``loc``'s language (an unknown id is shown as it is)."""
    return loc.t_or(f"rule.{rule}", rule)


def agent_family(name: str, loc: Locale) -> str:
    """``Crawlers``/``Feeds``/``Others``/``Unknown`` translated; a browser or OS name unchanged."""
    return loc.t_or(f"agent.{name}", name)


_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_CLF_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}


def request_time(text: str) -> datetime | None:
    """When a request was made, from a finding's ``first``/``last``: ISO 8601 or the
    access log's own ``01/Nov/2026:00:20:44 +0000``; None when neither."""
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        day, month, rest = text[0:2], _CLF_MONTHS[text[3:6]], text[7:]
        return datetime.strptime(f"{rest[:4]}-{month:02d}-{day} {rest[5:]}", "%Y-%m-%d %H:%M:%S %z")
    except (KeyError, ValueError, IndexError):
        return None
