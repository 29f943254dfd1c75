"""The PDFs' tables as drawn (surveys/reports/pdf.py `Document.table`)."""

import shutil
import subprocess

import pytest
from django.utils import timezone

from surveys.reports.pdf import SHADE, Document

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")

PINK = (253, 236, 236)  # a warning box's fill


class _Page(Document):
    def footer_line(self) -> str:
        return "test"


def _pixels(body: bytes, page: int, tmp_path) -> list[tuple[int, int, int]]:
    from PIL import Image

    path = tmp_path / "table.pdf"
    path.write_bytes(body)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "p.png").convert("RGB")
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def test_a_table_carried_onto_the_next_page_keeps_white_rows(tmp_path):
    """fpdf2 filled the rows it carried onto a new page with the fill colour of the moment: the
    report's village table continued grey on page 5, a comparison's items pink."""
    pdf = _Page(language="zh", text="项目内容村", title="t", subject="s", author="a", created=timezone.now())
    pdf.add_page()
    pdf.set_fill_color(*PINK)
    pdf.multi_cell(0, 6, "注意：合成演示数据", fill=True)
    pdf.set_y(230)
    pdf.table(["项目", "内容"], [[str(n), f"第 {n} 村"] for n in range(30)], [50, 120])
    pixels = _pixels(bytes(pdf.output()), 2, tmp_path)
    assert PINK not in pixels, "the rows on page 2 are not filled"
    shaded = sum(1 for p in pixels if p == SHADE)
    assert 0 < shaded < len(pixels) * 0.02, "only the repeated heading row is shaded"
