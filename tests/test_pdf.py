"""The book as one PDF (``make pdf``, tools/pdf.py): printed by Debian's Chromium with its math.

Two checks, both read the PDF's text with ``pdftotext`` (poppler-utils):

- one chapter page of the built HTML book is printed here (tools/pdf.py's ``print_page``, the
  same Chromium call ``make pdf`` makes), in seconds: MathJax finished before printing (a known
  equation is there as typeset text, no raw TeX is left) and the page count is sane;
- the whole-book PDF that ``make pdf`` wrote to _build/pdf/yann.pdf: every chapter's title is in
  it, a known equation is typeset, and it has a page count a 16-chapter book needs. Printing the
  whole book takes minutes on a 2-core machine, so this test does not make it: without a PDF
  newer than the recorded chapters it is skipped and says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, chapter_notebooks

sys.path.insert(0, str(ROOT / "tools"))
import pdf

pytestmark = pytest.mark.browser

BOOK_PDF = ROOT / "_build" / "pdf" / "yann.pdf"
# The built HTML book (YANN_BOOK_HTML points at another build, as for the browser test).
HTML = Path(os.environ.get("YANN_BOOK_HTML", ROOT / "_build" / "html"))
RAW_TEX = ["\\begin{", "\\mathbf", "\\frac", "\\boldsymbol", "$$"]
# Equation (1.1) of chapter 1, "z = W a + b, a_next = f(z)", as pdftotext reads MathJax's
# typeset glyphs (raw TeX would read "\mathbf{z} = W\mathbf{a} ...").
EQUATION_1_1 = re.compile(r"z = W a \+ b,.{0,40}\(1\.1\)")


def _needs(tool: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} is missing: install poppler-utils (make browser-deps does, as root)")


def _text(pdf_file: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True,
                          text=True, check=True).stdout


def _pages(pdf_file: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


def _title(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{notebook.name} has no title")


def test_a_chapter_prints_with_its_math_typeset(tmp_path):
    _needs("pdftotext")
    if not pdf.CHROMIUM.exists():
        pytest.skip(f"{pdf.CHROMIUM} is missing: install Debian's chromium")
    page = HTML / "chapters" / "01_network.html"
    if not page.is_file():
        pytest.skip("no built book in _build/html: run make book first")
    try:
        mathjax = pdf.mathjax_dir()
    except SystemExit as missing:
        pytest.skip(str(missing))
    out = tmp_path / "chapter.pdf"
    pdf.print_page(page, out, mathjax)
    text = _text(out)
    assert EQUATION_1_1.search(re.sub(r"\s+", " ", text)), "equation (1.1) is not typeset in the PDF"
    assert [tex for tex in RAW_TEX if tex in text] == []
    assert 2 <= _pages(out) <= 40


def test_the_whole_book_pdf():
    _needs("pdftotext")
    if not BOOK_PDF.is_file():
        pytest.skip("no _build/pdf/yann.pdf: run make pdf first")
    newest = max(nb.stat().st_mtime for nb in chapter_notebooks())
    if BOOK_PDF.stat().st_mtime < newest:
        pytest.skip("_build/pdf/yann.pdf is older than the recorded chapters: run make pdf again")
    text = _text(BOOK_PDF)
    flat = re.sub(r"\s+", " ", text)
    missing = [_title(nb) for nb in chapter_notebooks() if _title(nb).split("`")[0][:30] not in flat]
    assert missing == [], "chapter titles missing from the PDF"
    assert EQUATION_1_1.search(flat), "equation (1.1) is not typeset in the PDF"
    assert [tex for tex in RAW_TEX if tex in text] == []
    assert _pages(BOOK_PDF) >= 5 * len(chapter_notebooks())
