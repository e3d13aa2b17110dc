# ruff: noqa: E501 — the SOP's step titles read better unwrapped
"""SOP 3 ("Pelayanan Teknologi Informasi", no. AS/29) as plain data: the defaults of
:mod:`pipeline.tickets.workflows`.

The SOP's flowchart columns (who does each step) were lost in the text we have, so the
roles below are the team's reading (see ``/work/shared/SOP.md``); a site corrects them
in ``tickets.workflows``. "day" is the working day on which the step is due. Sections C
and D are monthly ("30, every month"): their steps are due on working days of the month.
"""

from __future__ import annotations

from typing import Any

OPERATOR = ["pranata-komputer", "web-admin"]  # the SOP's "IT operator/admin" column
KASUBBAG = ["kasubbag-ti"]  # head of the personnel & IT sub-section
KABAG = ["kabag-perencanaan"]  # head of the planning & personnel division
SEKRETARIS = ["sekretaris"]
KETUA = ["ketua"]


def _t(id_: str, en: str) -> dict[str, str]:
    return {"id": id_, "en": en}


def _step(
    step_id: str,
    title: tuple[str, str],
    roles: list[str],
    day: int,
    input_: tuple[str, str],
    output: tuple[str, str],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": step_id,
        "title": _t(*title),
        "roles": roles,
        "day": day,
        "input": _t(*input_),
        "output": _t(*output),
        **extra,
    }


LIST = ("Daftar permintaan", "List of requests")
PROPOSED = ("Daftar usulan pemenuhan", "Proposed fulfilment list")

UAT_CHECKLIST = [
    {
        "id": "fungsi",
        "label": _t("Semua fungsi berjalan sesuai kebutuhan", "Every function works as required"),
    },
    {
        "id": "data",
        "label": _t("Data uji diproses dengan benar", "Test data is processed correctly"),
    },
    {
        "id": "akses",
        "label": _t("Hak akses pengguna sesuai peran", "User access matches the roles"),
    },
    {
        "id": "keamanan",
        "label": _t("Tidak ada celah keamanan yang ditemukan", "No security gap found"),
    },
    {"id": "kinerja", "label": _t("Waktu tanggap dapat diterima", "Response time is acceptable")},
    {"id": "panduan", "label": _t("Panduan pengguna tersedia", "User guide is available")},
]
UAT_REVIEW_CHECKLIST = [
    {
        "id": "hasil-uji",
        "label": _t(
            "Hasil UAT lengkap dan ditandatangani penguji",
            "UAT results are complete and signed by the testers",
        ),
    },
    {
        "id": "temuan",
        "label": _t("Temuan UAT sudah ditindaklanjuti", "UAT findings were followed up"),
    },
    {
        "id": "rekomendasi",
        "label": _t("Rekomendasi: layak digunakan", "Recommendation: fit for use"),
    },
]
APPROVAL_CHECKLIST = [
    {"id": "uat-lulus", "label": _t("UAT dinyatakan lulus", "UAT passed")},
    {
        "id": "cadangan",
        "label": _t(
            "Cadangan data dan rencana pemulihan siap", "Data backup and recovery plan ready"
        ),
    },
    {
        "id": "lisensi",
        "label": _t(
            "Lisensi dan dasar hukum aplikasi jelas",
            "Licence and legal basis of the application are clear",
        ),
    },
    {"id": "pelatihan", "label": _t("Pengguna sudah dilatih", "Users have been trained")},
]

WORKFLOWS: dict[str, dict[str, Any]] = {
    "A": {
        "letter": "A",
        "title": _t("Perumusan kebijakan TI", "IT policy formulation"),
        "steps": [
            _step(
                "A1",
                (
                    "Merencanakan pengembangan dan pelatihan SDM TI",
                    "Plan IT human-resource development and training",
                ),
                KASUBBAG,
                1,
                ("Draf", "Draft"),
                ("Rencana program", "Programme plan"),
            ),
            _step(
                "A2",
                (
                    "Mengusulkan kebijakan, strategi dan perencanaan TI jangka panjang dan menengah",
                    "Propose long- and medium-term IT policy, strategy and planning",
                ),
                KABAG,
                2,
                ("Draf", "Draft"),
                ("Daftar usulan", "List of proposals"),
            ),
            _step(
                "A3",
                (
                    "Menetapkan kebijakan dan rencana strategis TI",
                    "Set the strategic IT policy and plan",
                ),
                KETUA,
                3,
                ("Draf SK tim TI", "Draft decree for the IT team"),
                ("SK", "Decree (SK)"),
                decision=True,
            ),
            _step(
                "A4",
                (
                    "Menghimpun peraturan terbaru tentang penyelenggaraan TI",
                    "Collect the latest regulations on IT operations",
                ),
                OPERATOR,
                4,
                ("Himpunan peraturan", "Collection of regulations"),
                ("SK", "Decree"),
            ),
        ],
    },
    "B": {
        "letter": "B",
        "title": _t(
            "Penanganan dan pemenuhan permintaan layanan TI",
            "Handling and fulfilling IT service requests",
        ),
        "steps": [
            _step(
                "B1",
                ("Menerima permintaan layanan TI", "Receive the IT service request"),
                OPERATOR,
                1,
                ("Formulir permintaan layanan TI", "IT service request form"),
                ("Permintaan terdaftar", "Registered request"),
            ),
            _step(
                "B2",
                (
                    "Disposisi surat permintaan (ya/tidak)",
                    "Disposition of the request letter (yes/no)",
                ),
                SEKRETARIS,
                1,
                ("Lembar disposisi", "Disposition sheet"),
                ("Disposisi", "Disposition"),
                decision=True,
            ),
            _step(
                "B3",
                ("Memeriksa permintaan", "Examine the request"),
                OPERATOR,
                2,
                ("Instrumen permintaan", "Request instrument"),
                LIST,
            ),
            _step(
                "B4",
                ("Mengklasifikasikan permintaan", "Classify the request"),
                OPERATOR,
                2,
                LIST,
                ("Daftar terklasifikasi", "Classified list"),
            ),
            _step(
                "B5",
                ("Memverifikasi permintaan", "Verify the request"),
                KASUBBAG,
                2,
                LIST,
                ("Daftar verifikasi", "Verification list"),
            ),
            _step(
                "B6",
                (
                    "Menetapkan urgensi dan prioritas penanganan insiden",
                    "Set the urgency and priority of handling the incident",
                ),
                KASUBBAG,
                3,
                LIST,
                ("Daftar prioritas", "Priority list"),
                priority=True,
            ),
            _step(
                "B7",
                (
                    "Memberikan pertimbangan atas permintaan sesuai kategori insiden",
                    "Give a consideration on the request, by incident category",
                ),
                KABAG,
                4,
                PROPOSED,
                ("Pertimbangan", "Consideration"),
                note=_t("Alternatif yang dipertimbangkan", "Alternatives considered"),
            ),
            _step(
                "B8",
                ("Menyetujui layanan", "Approve the service"),
                SEKRETARIS,
                4,
                PROPOSED,
                ("Daftar prioritas yang disetujui", "Approved priority list"),
                decision=True,
            ),
            _step(
                "B9",
                ("Menangani permintaan", "Handle the request"),
                OPERATOR,
                5,
                ("Daftar yang disetujui", "Approved list"),
                ("Permintaan tertangani", "Request handled"),
            ),
        ],
    },
    "C": {
        "letter": "C",
        "title": _t(
            "Pemantauan dan pemeliharaan perangkat TI", "Monitoring and maintenance of IT equipment"
        ),
        "recurring": True,
        "steps": [
            _step(
                "C1",
                (
                    "Membuat jadwal pemeliharaan infrastruktur",
                    "Make the infrastructure maintenance schedule",
                ),
                KASUBBAG,
                1,
                ("Daftar perangkat", "Equipment list"),
                ("Jadwal pemeliharaan", "Maintenance schedule"),
            ),
            _step(
                "C2",
                (
                    "Memantau dan mendeteksi pola akses dan transaksi yang dapat mengganggu atau menyerang jaringan",
                    "Monitor and detect access and transaction patterns that could disrupt or attack the network",
                ),
                OPERATOR,
                5,
                ("Log akses", "Access logs"),
                ("Catatan pemantauan", "Monitoring notes"),
            ),
            _step(
                "C3",
                (
                    "Mengawasi dan menjamin mutu perencanaan, desain, implementasi dan operasional fasilitas TI",
                    "Supervise and assure the quality of planning, design, implementation and operation of IT facilities",
                ),
                KASUBBAG,
                10,
                ("Jadwal pemeliharaan", "Maintenance schedule"),
                ("Catatan pengawasan", "Supervision notes"),
            ),
            _step(
                "C4",
                (
                    "Memelihara jaringan fisik (kabel, router, hub, switch, access point, UPS)",
                    "Maintain the physical network (cables, router, hub, switch, access point, UPS)",
                ),
                OPERATOR,
                12,
                ("Jadwal pemeliharaan", "Maintenance schedule"),
                ("Jaringan terpelihara", "Maintained network"),
            ),
            _step(
                "C5",
                ("Mengelola server data terpusat", "Manage the central data servers"),
                OPERATOR,
                14,
                ("Akses server", "Server access"),
                ("Server terkelola", "Managed servers"),
            ),
            _step(
                "C6",
                (
                    "Mengawasi pengembangan perangkat lunak dan perangkat keras",
                    "Supervise software and hardware development",
                ),
                KASUBBAG,
                16,
                ("Rencana pengembangan", "Development plan"),
                ("Data mutakhir", "Updated data"),
            ),
            _step(
                "C7",
                (
                    "Berkoordinasi dengan tiap subbagian tentang pemeliharaan perangkat TI-nya",
                    "Coordinate with each sub-section on maintaining its IT equipment",
                ),
                OPERATOR,
                18,
                ("Data masalah", "Problem data"),
                ("Catatan koordinasi", "Coordination notes"),
            ),
            _step(
                "C8",
                (
                    "Menganalisis dan mengevaluasi hasil pemantauan dan pemeliharaan",
                    "Analyse and evaluate the monitoring and maintenance results",
                ),
                KASUBBAG,
                19,
                ("Catatan pemantauan", "Monitoring notes"),
                ("Hasil evaluasi", "Evaluation results"),
            ),
            _step(
                "C9",
                (
                    "Mencatat dan merekap hasil pemantauan dan pemeliharaan",
                    "Record and recap the monitoring and maintenance results",
                ),
                OPERATOR,
                20,
                ("Hasil evaluasi", "Evaluation results"),
                ("Rekap bulanan", "Monthly recap"),
            ),
        ],
    },
    "D": {
        "letter": "D",
        "title": _t("Pengamanan perangkat TI", "Securing IT equipment"),
        "recurring": True,
        "steps": [
            _step(
                "D1",
                (
                    "Memantau jaringan, memberi peringatan dini dan mencegah akses yang dapat mengganggu atau menyerang",
                    "Monitor the network, give early warning and prevent access that could disrupt or attack it",
                ),
                OPERATOR,
                1,
                ("Akses jaringan", "Network access"),
                ("Konfigurasi keamanan", "Security configuration"),
            ),
            _step(
                "D2",
                (
                    "Melaksanakan uji penerimaan pengguna (UAT) saat aplikasi mulai digunakan",
                    "Run the user acceptance test (UAT) when an application is put in service",
                ),
                OPERATOR,
                2,
                ("Aplikasi dan skenario uji", "Application and test scenarios"),
                ("Hasil uji", "Test result"),
                checklist=UAT_CHECKLIST,
            ),
            _step(
                "D3",
                ("Memberikan pertimbangan atas UAT", "Give a consideration on the UAT"),
                KASUBBAG,
                3,
                ("Hasil uji", "Test result"),
                ("Catatan pertimbangan", "Consideration notes"),
                checklist=UAT_REVIEW_CHECKLIST,
                note=_t("Pertimbangan atas hasil UAT", "Consideration on the UAT result"),
            ),
            _step(
                "D4",
                (
                    "Membangun sistem keamanan, manajemen risiko dan program pemulihan bencana TI (antivirus, firewall)",
                    "Build the security system, risk management and disaster-recovery programme (antivirus, firewall)",
                ),
                OPERATOR,
                4,
                ("Catatan pertimbangan", "Consideration notes"),
                ("Sistem keamanan", "Security system"),
            ),
            _step(
                "D5",
                ("Menyetujui implementasi aplikasi", "Approve the application's implementation"),
                SEKRETARIS,
                5,
                ("Catatan pertimbangan", "Consideration notes"),
                ("Daftar aplikasi yang disetujui", "Approved application list"),
                decision=True,
                checklist=APPROVAL_CHECKLIST,
            ),
            _step(
                "D6",
                (
                    "Memantau aplikasi yang berjalan terhadap kebutuhan dan celah keamanan",
                    "Monitor running applications against needs and watch for security gaps",
                ),
                OPERATOR,
                15,
                ("Daftar aplikasi", "Application list"),
                ("Catatan pemantauan aplikasi", "Application monitoring notes"),
            ),
            _step(
                "D7",
                (
                    "Mencadangkan dan memulihkan data secara rutin",
                    "Back up and restore data routinely",
                ),
                OPERATOR,
                20,
                ("Komputer/server", "Computer/server"),
                ("Data cadangan", "Backup data"),
            ),
        ],
    },
}
