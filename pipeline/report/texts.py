"""The message catalogue of the situation report: every label in Indonesian and English.

The same pattern as the visitor and status pages (``TEXTS[language][key]``, Indonesian
the fallback); texts with ``{name}`` fields are filled with :meth:`str.format`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
        "last_restore": "Pemulihan terakhir yang terbukti (uji restore)",
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
        # units
        "minutes": "{n} mnt",
        "hours": "{h} jam {m} mnt",
        "days": "{d} hari {h} jam",
        "footer": "Dibuat oleh warta dari data operasional; salinan disimpan di basis data "
        "operasional.",
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
        "c_published_late": "{count} item(s) published with a step over its SOP target time.",
        "c_waiting_late": "{count} draft(s) held past their step's target time.",
        "c_suspicious": "Suspicious activity from {count} IP address(es).",
        "c_overdue": "{what} {name} is past its due date.",
        "c_due_soon": "{what} {name} is due in {days} days.",
        "c_backup_old": "No recent enough successful backup.",
        "c_backup_failed": "{count} backup job(s) failed.",
        "c_restore_old": "No successful restore drill within the last month.",
        "c_tickets_open": "{count} incident ticket(s) still open.",
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
        "minutes": "{n} min",
        "hours": "{h} h {m} min",
        "days": "{d} d {h} h",
        "footer": "Generated by warta from the operational data; a copy is kept in the "
        "operational database.",
    },
}

MONTHS = {
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


class Catalogue:
    """The texts and number, date and duration formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = language if language in TEXTS else "id"
        self.texts = TEXTS[self.language]

    def __call__(self, key: str, **values: object) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    def number(self, value: float, digits: int = 0) -> str:
        text = f"{value:,.{digits}f}"
        if self.language == "id":  # 1.234,5
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def percent(self, share: float | None, digits: int = 2) -> str:
        return "—" if share is None else f"{self.number(share * 100, digits)}%"

    def ms(self, value: float | None) -> str:
        return "—" if value is None else f"{self.number(value)} ms"

    def day(self, value: date) -> str:
        return f"{value.day} {MONTHS[self.language][value.month - 1]} {value.year}"

    def moment(self, value: datetime, tz: str) -> str:
        local = value.astimezone(ZoneInfo(tz))
        return f"{self.day(local.date())} {local:%H:%M} {local.tzname()}"

    def duration(self, value: timedelta) -> str:
        minutes = int(value.total_seconds() // 60)
        if minutes < 120:
            return self("minutes", n=minutes)
        hours = minutes // 60
        if hours < 24:
            return self("hours", h=hours, m=minutes % 60)
        return self("days", d=hours // 24, h=hours % 24)
