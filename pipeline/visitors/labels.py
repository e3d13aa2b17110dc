"""What a person reads for the visitor module's technical names: rules and agent families.

Rule ids (``sql-injection``) and the agent families of :mod:`pipeline.visitors.agents`
(``Crawlers``, ``Others``, ``Unknown``) are data keys; the reports, tickets and alerts show
these labels instead (``rule.<id>``, ``rule.<id>.why``, ``agent.<family>`` in the
catalogue of :mod:`pipeline.i18n`). A rule without a label fails ``tests/test_i18n.py``.
"""

from __future__ import annotations

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
            "agent.Crawlers": "Perayap (bot)",
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
    """``Crawlers``/``Others``/``Unknown`` translated; a browser or OS name unchanged."""
    return loc.t_or(f"agent.{name}", name)
