"""The texts of the situation report, registered in the one catalogue (:mod:`pipeline.i18n`).

``TEXTS[language][key]`` is registered as ``report.<key>``; :class:`Catalogue` is the
report's view of a :class:`pipeline.i18n.Locale`: ``t("title")`` and the number, date and
duration formats of the locale layer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pipeline import i18n
from pipeline.i18n import Locale

LANGUAGES = ("id", "en")

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan Situasi Website",
        "subtitle": "Pemeliharaan website, SOP 2 langkah 5: situasi, kondisi, permasalahan "
        "dan alternatif pemecahan",
        "period": "Periode",
        "period_week": "Mingguan",
        "period_month": "Bulanan",
        "generated": "Dibuat",
        "to": "Kepada",
        "to_role": "penanggung jawab informasi publik",
        "nobody": "(belum ada penanggung jawab di konfigurasi people)",
        "condition": "Kondisi",
        "condition_good": "Baik",
        "condition_attention": "Perlu perhatian",
        "condition_trouble": "Bermasalah",
        # sections
        "s_summary": "Ringkasan",
        "s_availability": "Ketersediaan dan waktu respons",
        "s_content": "Konten: kesegaran dan publikasi",
        "s_visitors": "Aktivitas pengunjung",
        "s_renewals": "Perpanjangan layanan, sertifikat TLS dan domain",
        "s_backups": "Cadangan data dan pemulihan",
        "s_tickets": "Insiden dan tiket layanan TI",
        # summary
        "problems": "Permasalahan yang ditemukan:",
        "no_problems": "Tidak ada permasalahan yang ditemukan pada periode ini.",
        "see_tickets": "Alternatif pemecahan dan tindakan yang diambil tercatat pada bagian "
        "Insiden dan tiket.",
        "c_uptime_low": "Ketersediaan {name} hanya {uptime} (target {target}).",
        "c_incident_open": "Insiden pada {name} masih berlangsung di akhir periode.",
        "c_stale": "Kategori {name} belum diperbarui melewati batas umurnya.",
        "c_published_late": "{count} konten terbit dengan langkah yang melewati target waktu SOP.",
        "c_waiting_late": "{count} draf tertahan melewati target waktu langkahnya.",
        "c_suspicious": "Aktivitas mencurigakan dari {count} alamat IP.",
        "c_overdue": "{what} {name} sudah melewati tanggal jatuh tempo.",
        "c_due_soon": "{what} {name} jatuh tempo dalam {days} hari.",
        "c_backup_old": "Tidak ada cadangan berhasil yang cukup baru.",
        "c_backup_failed": "{count} kegiatan pencadangan gagal.",
        "c_restore_old": "Belum ada uji pemulihan (restore) yang berhasil dalam sebulan terakhir.",
        "c_tickets_open": "{count} tiket insiden masih terbuka.",
        # availability
        "no_health": "Belum ada data pemeriksaan ketersediaan pada periode ini "
        "(warta health check).",
        "endpoint": "Layanan",
        "checks": "Pemeriksaan",
        "failed": "Gagal",
        "uptime": "Ketersediaan",
        "median": "Median",
        "p95": "P95",
        "max": "Maks",
        "daily": "Harian (median)",
        "chart_uptime": "Ketersediaan harian, layanan terendah (%)",
        "chart_response": "Waktu respons harian, median (ms)",
        "incidents": "Insiden ketersediaan",
        "no_incidents": "Tidak ada insiden ketersediaan pada periode ini.",
        "opened": "Mulai",
        "closed": "Selesai",
        "duration": "Durasi",
        "cause": "Penyebab",
        "resolution": "Penanganan",
        "ongoing": "berlangsung",
        # content
        "site_compliance": "Kelengkapan situs menurut daftar periksa penilaian: {share}.",
        "site_to_fill": "{count} butir belum lengkap: {items} (lihat warta compliance).",
        "freshness": "Kesegaran per kategori (akhir periode)",
        "no_freshness": "Tidak ada kategori dengan batas umur (max_age).",
        "category": "Kategori",
        "newest": "Terbaru",
        "age": "Umur",
        "limit": "Batas",
        "state": "Status",
        "fresh": "segar",
        "stale": "kedaluwarsa",
        "none_yet": "belum ada",
        "per_category": "Terbit per kategori",
        "published": "Terbit",
        "late": "Terlambat",
        "chart_published": "Konten terbit per kategori",
        "compliance": "Kepatuhan waktu SOP 1: {good} dari {total} konten tepat waktu di "
        "setiap langkah ({share}).",
        "no_published": "Tidak ada konten yang terbit pada periode ini.",
        "items": "Konten yang terbit",
        "date": "Tanggal",
        "item_title": "Judul",
        "steps_over": "Langkah melewati target",
        "on_time": "tepat waktu",
        "waiting": "Draf yang melewati target waktu",
        "no_waiting": "Tidak ada draf yang melewati target waktu di akhir periode.",
        "stage": "Tahap",
        "holder": "Pemegang",
        "since": "Sejak",
        "target": "Target",
        "vs_target": "target {target}",
        "files": "{n} berkas",
        "snapshot": "cuplikan {id}",
        "step_collect": "pengumpulan",
        "step_convert": "konversi",
        "step_draft": "penyusunan",
        "step_review": "pemeriksaan",
        "step_approval": "persetujuan",
        "step_publish": "penerbitan",
        "step_embargo": "embargo",
        "step_archive": "pengarsipan",
        # visitors
        "no_visitors": "Belum ada data aktivitas pengunjung (warta visitors analyze).",
        "no_suspicious": "Tidak ada aktivitas mencurigakan yang tercatat pada periode ini.",
        "suspicious_intro": "{findings} temuan dari {ips} alamat IP tercatat pada log "
        "aktivitas pengunjung.",
        "chart_rules": "Permintaan mencurigakan per aturan",
        "rule": "Aturan",
        "requests": "Permintaan",
        "first": "Pertama",
        "sample": "Contoh",
        # renewals
        "no_renewals": "Belum ada data perpanjangan, sertifikat atau domain (warta renewals "
        "add, warta health check).",
        "nothing_due": "Tidak ada yang jatuh tempo dalam {days} hari setelah periode.",
        "what": "Jenis",
        "name": "Nama",
        "provider": "Penyedia / sumber",
        "due": "Jatuh tempo",
        "days_left": "Sisa hari",
        "unknown": "tidak diketahui",
        "what_connection": "koneksi",
        "what_hosting": "hosting",
        "what_domain": "domain (kontrak)",
        "what_other": "lainnya",
        "what_tls": "sertifikat TLS",
        "what_registration": "pendaftaran domain",
        "renewals_note": "{contracts} kontrak tercatat; kontrak yang jatuh tempo dalam "
        "{days} hari setelah periode ditampilkan.",
        # backups
        "no_backups": "Belum ada data cadangan (warta backup).",
        "last_backup": "Cadangan terakhir yang berhasil",
        "last_restore": "Pemulihan terakhir yang terbukti (uji pemulihan)",
        "never": "belum pernah",
        "events": "Kegiatan pada periode",
        "kind": "Kegiatan",
        "succeeded": "Berhasil",
        "kind_backup": "pencadangan",
        "kind_verify": "verifikasi",
        "kind_drill": "uji pemulihan",
        "kind_prune": "pemangkasan",
        "no_events": "Tidak ada kegiatan pencadangan pada periode ini.",
        "failures": "Kegiatan yang gagal",
        "repository": "Repositori",
        "detail": "Keterangan",
        # tickets
        "no_tickets": "Belum ada data tiket (warta ticket).",
        "tickets_intro": "{opened} tiket dibuka pada periode ini; {open} masih terbuka di "
        "akhir periode; {closed} diselesaikan.",
        "open_tickets": "Tiket terbuka",
        "no_open": "Tidak ada tiket terbuka di akhir periode.",
        "closed_tickets": "Tiket yang diselesaikan pada periode ini",
        "ticket_line": "Dibuka {opened}; langkah {step}; prioritas {priority}; {kind}{source}.",
        "kind_incident": "insiden",
        "kind_request": "permintaan",
        "source": "; sumber {source}",
        "alternatives": "Alternatif pemecahan yang dipertimbangkan",
        "actions": "Tindakan yang diambil",
        "none_recorded": "belum dicatat",
        "ticket": "Tiket",
        "footer": "Dibuat oleh warta dari data operasional; salinan disimpan di basis data "
        "operasional.",
        "top": "{shown} teratas dari {total} ditampilkan; selengkapnya di lampiran CSV.",
        "totals": "Jumlah",
        "more_notes": "… dan {n} catatan lain di lampiran CSV",
        "still_open": "masih terbuka",
        "csv_section": "bagian",
        "csv_item": "butir",
        "csv_when": "waktu",
        "csv_figure": "angka",
        "csv_detail": "keterangan",
        "a_incident": "insiden ketersediaan",
        "a_published": "konten terbit",
        "a_waiting": "draf terlambat",
        "a_finding": "temuan pengunjung",
        "a_due": "jatuh tempo",
        "a_backup_failure": "pencadangan gagal",
        "a_ticket": "tiket",
        "annex": "Lampiran: {name} (CSV, semua butir setiap bagian).",
    },
    "en": {
        "title": "Website Situation Report",
        "subtitle": "Website maintenance, SOP 2 step 5: situation, condition, problems and "
        "alternative solutions",
        "period": "Period",
        "period_week": "Weekly",
        "period_month": "Monthly",
        "generated": "Generated",
        "to": "To",
        "to_role": "person in charge of public information",
        "nobody": "(no penanggung jawab in the people configuration yet)",
        "condition": "Condition",
        "condition_good": "Good",
        "condition_attention": "Needs attention",
        "condition_trouble": "In trouble",
        "s_summary": "Summary",
        "s_availability": "Availability and response time",
        "s_content": "Content: freshness and publication",
        "s_visitors": "Visitor activity",
        "s_renewals": "Renewals, TLS certificates and domains",
        "s_backups": "Backups and restore",
        "s_tickets": "Incidents and IT service tickets",
        "problems": "Problems found:",
        "no_problems": "No problems were found in this period.",
        "see_tickets": "The alternatives considered and the actions taken are in the "
        "incidents and tickets section.",
        "c_uptime_low": "{name} was available only {uptime} of the time (target {target}).",
        "c_incident_open": "The incident on {name} is still open at the end of the period.",
        "c_stale": "Category {name} was not updated within its maximum age.",
        "c_published_late": "{count} items published with a step over its SOP target time.",
        "c_published_late_one": "{count} item published with a step over its SOP target time.",
        "c_waiting_late": "{count} drafts held past their step's target time.",
        "c_waiting_late_one": "{count} draft held past its step's target time.",
        "c_suspicious": "Suspicious activity from {count} IP addresses.",
        "c_suspicious_one": "Suspicious activity from {count} IP address.",
        "c_overdue": "{what} {name} is past its due date.",
        "c_due_soon": "{what} {name} is due in {days} days.",
        "c_backup_old": "No recent enough successful backup.",
        "c_backup_failed": "{count} backup jobs failed.",
        "c_backup_failed_one": "{count} backup job failed.",
        "c_restore_old": "No successful restore drill within the last month.",
        "c_tickets_open": "{count} incident tickets still open.",
        "c_tickets_open_one": "{count} incident ticket still open.",
        "no_health": "No availability checks in this period yet (warta health check).",
        "endpoint": "Service",
        "checks": "Checks",
        "failed": "Failed",
        "uptime": "Uptime",
        "median": "Median",
        "p95": "P95",
        "max": "Max",
        "daily": "Daily (median)",
        "chart_uptime": "Daily uptime, lowest service (%)",
        "chart_response": "Daily response time, median (ms)",
        "incidents": "Availability incidents",
        "no_incidents": "No availability incidents in this period.",
        "opened": "Start",
        "closed": "End",
        "duration": "Duration",
        "cause": "Cause",
        "resolution": "Resolution",
        "ongoing": "ongoing",
        "site_compliance": "Site completeness against the assessment checklist: {share}.",
        "site_to_fill": "{count} items still to complete: {items} (see warta compliance).",
        "freshness": "Freshness per category (end of the period)",
        "no_freshness": "No category has a maximum age (max_age).",
        "category": "Category",
        "newest": "Newest",
        "age": "Age",
        "limit": "Limit",
        "state": "State",
        "fresh": "fresh",
        "stale": "stale",
        "none_yet": "none yet",
        "per_category": "Published per category",
        "published": "Published",
        "late": "Late",
        "chart_published": "Items published per category",
        "compliance": "SOP 1 timing compliance: {good} of {total} items on time at every "
        "step ({share}).",
        "no_published": "Nothing was published in this period.",
        "items": "Items published",
        "date": "Date",
        "item_title": "Title",
        "steps_over": "Steps over target",
        "on_time": "on time",
        "waiting": "Drafts past their target time",
        "no_waiting": "No draft is past its target time at the end of the period.",
        "stage": "Stage",
        "holder": "Holder",
        "since": "Since",
        "target": "Target",
        "vs_target": "target {target}",
        "files": "{n} files",
        "snapshot": "snapshot {id}",
        "step_collect": "collect",
        "step_convert": "convert",
        "step_draft": "draft",
        "step_review": "review",
        "step_approval": "approval",
        "step_publish": "publish",
        "step_embargo": "embargo",
        "step_archive": "archive",
        "no_visitors": "No visitor activity data yet (warta visitors analyze).",
        "no_suspicious": "No suspicious activity was recorded in this period.",
        "suspicious_intro": "{findings} finding(s) from {ips} IP address(es) in the visitor "
        "activity log.",
        "chart_rules": "Suspicious requests per rule",
        "rule": "Rule",
        "requests": "Requests",
        "first": "First",
        "sample": "Sample",
        "no_renewals": "No renewal, certificate or domain data yet (warta renewals add, warta "
        "health check).",
        "nothing_due": "Nothing is due within {days} days after the period.",
        "what": "Kind",
        "name": "Name",
        "provider": "Provider / source",
        "due": "Due",
        "days_left": "Days left",
        "unknown": "unknown",
        "what_connection": "connection",
        "what_hosting": "hosting",
        "what_domain": "domain (contract)",
        "what_other": "other",
        "what_tls": "TLS certificate",
        "what_registration": "domain registration",
        "renewals_note": "{contracts} contract(s) registered; those due within {days} days "
        "after the period are shown.",
        "no_backups": "No backup data yet (warta backup).",
        "last_backup": "Last successful backup",
        "last_restore": "Last proven restore (restore drill)",
        "never": "never",
        "events": "Jobs in the period",
        "kind": "Job",
        "succeeded": "Succeeded",
        "kind_backup": "backup",
        "kind_verify": "verify",
        "kind_drill": "restore drill",
        "kind_prune": "prune",
        "no_events": "No backup jobs in this period.",
        "failures": "Failed jobs",
        "repository": "Repository",
        "detail": "Detail",
        "no_tickets": "No ticket data yet (warta ticket).",
        "tickets_intro": "{opened} ticket(s) opened in this period; {open} still open at its "
        "end; {closed} closed.",
        "open_tickets": "Open tickets",
        "no_open": "No ticket is open at the end of the period.",
        "closed_tickets": "Tickets closed in this period",
        "ticket_line": "Opened {opened}; step {step}; priority {priority}; {kind}{source}.",
        "kind_incident": "incident",
        "kind_request": "request",
        "source": "; source {source}",
        "alternatives": "Alternative solutions considered",
        "actions": "Actions taken",
        "none_recorded": "not recorded yet",
        "ticket": "Ticket",
        "footer": "Generated by warta from the operational data; a copy is kept in the "
        "operational database.",
        "top": "The top {shown} of {total} are shown; all of them are in the CSV annex.",
        "totals": "Totals",
        "more_notes": "… and {n} more notes in the CSV annex",
        "still_open": "still open",
        "csv_section": "section",
        "csv_item": "item",
        "csv_when": "when",
        "csv_figure": "figure",
        "csv_detail": "detail",
        "a_incident": "availability incident",
        "a_published": "published item",
        "a_waiting": "late draft",
        "a_finding": "visitor finding",
        "a_due": "due",
        "a_backup_failure": "failed backup job",
        "a_ticket": "ticket",
        "annex": "Annex: {name} (CSV, every item of every section).",
    },
}

i18n.register(
    {language: {f"report.{k}": v for k, v in texts.items()} for language, texts in TEXTS.items()}
)


class Catalogue:
    """The report's texts and formats in one language and time zone."""

    def __init__(self, language: str, tz: str = i18n.DEFAULT_TIMEZONE) -> None:
        self.loc = Locale(language, tz)
        self.language = self.loc.language

    def __call__(self, key: str, **values: Any) -> str:
        count = values.pop("count", None)
        if isinstance(count, str) and count.isdigit():
            count = int(count)
        if isinstance(count, int):
            return self.loc.t(f"report.{key}", count=count, **values)
        if count is not None:
            values["count"] = count
        return self.loc.t(f"report.{key}", **values)

    def number(self, value: float, digits: int = 0) -> str:
        return self.loc.number(value, digits)

    def percent(self, share: float | None, digits: int = 2) -> str:
        return self.loc.percent(share, digits)

    def ms(self, value: float | None) -> str:
        return self.loc.ms(value)

    def day(self, value: date) -> str:
        return self.loc.date(value)

    def moment(self, value: datetime, tz: str | None = None) -> str:
        """In the court's time zone with its label; ``tz`` overrides the catalogue's."""
        loc = self.loc if tz in (None, self.loc.tz) else Locale(self.language, tz or "UTC")
        return loc.datetime(value)

    def duration(self, value: timedelta) -> str:
        return self.loc.duration(value)

    def size(self, n: int | None) -> str:
        return self.loc.size(n)
