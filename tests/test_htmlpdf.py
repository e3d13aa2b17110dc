import shutil

import pikepdf
import pytest

from pipeline.errors import ToolMissingError
from pipeline.htmlpdf import find_chromium, html_to_pdf

PAGES = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<style>@page { size: A4; margin: 15mm } .break { break-after: page }</style></head>
<body><h1 class="break">Laporan</h1><p>Halaman kedua</p></body></html>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason=".ci/run installs chromium")
def test_html_prints_to_a_pdf_with_the_pages_of_the_document(tmp_path):
    data = html_to_pdf(PAGES)
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        assert round(width) == 595 and round(height) == 842  # A4 in points


def test_a_missing_browser_is_a_tool_error_naming_it():
    with pytest.raises(ToolMissingError) as caught:
        find_chromium("no-such-browser-here")
    assert "no-such-browser-here" in str(caught.value)
