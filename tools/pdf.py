"""Print the whole book as one PDF: ``python tools/pdf.py [OUT.pdf]`` (``make pdf`` runs it).

1. Jupyter Book's one-page HTML build (``--builder singlehtml``) of the recorded chapters.
2. Its MathJax request is pointed at the local copy of the ``mathjax`` npm package that
   ``make browser-deps`` unpacks into .cache/ (the PDF is made offline, like the browser test).
3. Debian's Chromium prints the page headless (``--print-to-pdf``); a virtual-time budget lets
   MathJax finish typesetting before the page is printed. The book's stylesheet has print rules
   (_static/yann.css): code wraps instead of scrolling, nothing sits in a scroll box.

The PDF goes to _build/pdf/yann.pdf unless OUT.pdf is given. When the HTML book has been built
(_build/html exists), the PDF is also copied to _build/html/_static/yann.pdf, which the front
page links. Prints the path and the number of pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "_build" / "pdf" / "yann.pdf"
PUBLISHED = ROOT / "_build" / "html" / "_static" / "yann.pdf"
CHROMIUM = Path(os.environ.get("YANN_CHROMIUM", "/usr/bin/chromium"))
MATHJAX_SCRIPT = re.compile(r'src="https://cdn\.jsdelivr\.net/npm/mathjax@3/es5/([^"]+)"')
# Virtual time Chromium lets pass (timers run at once, so this is not wall-clock time) before it
# prints: enough for MathJax to typeset several hundred equations.
VIRTUAL_TIME_MS = 120_000


def mathjax_dir() -> Path:
    if os.environ.get("YANN_MATHJAX_DIR"):
        folder = Path(os.environ["YANN_MATHJAX_DIR"])
    else:
        found = sorted((ROOT / ".cache").glob("mathjax-3*"), reverse=True)
        folder = found[0] if found else ROOT / ".cache" / "mathjax-3"
    if not (folder / "es5" / "tex-mml-chtml.js").is_file():
        sys.exit(f"no local MathJax 3 in {folder}: run make browser-deps (or set YANN_MATHJAX_DIR)")
    return folder


def build_singlehtml(out: Path) -> Path:
    """The one-page HTML book in out/_build/singlehtml; returns its page."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", "--builder", "singlehtml", "--path-output", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"the one-page build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    page = out / "_build" / "singlehtml" / "intro.html"
    if not page.is_file():
        sys.exit(f"the one-page build wrote no {page.name}")
    return page


def use_local_mathjax(page: Path, mathjax: Path) -> None:
    html = page.read_text(encoding="utf-8")
    local, count = MATHJAX_SCRIPT.subn(lambda m: f'src="{(mathjax / "es5" / m[1]).as_uri()}"', html)
    if count != 1:
        sys.exit(f"expected one MathJax script in {page.name}, found {count}")
    page.write_text(local, encoding="utf-8")


def print_page(page: Path, out: Path, mathjax: Path) -> None:
    """Print one page of a built HTML book without touching the build: a copy of the page with a
    <base> pointing back at its folder and the local MathJax is printed instead."""
    html = page.read_text(encoding="utf-8")
    base = f'<base href="{page.parent.as_uri()}/">'
    html = html.replace("<head>", "<head>" + base, 1)
    with tempfile.TemporaryDirectory(prefix="yann-print-") as work:
        copy = Path(work) / page.name
        copy.write_text(html, encoding="utf-8")
        use_local_mathjax(copy, mathjax)
        print_pdf(copy, out)


def print_pdf(page: Path, out: Path) -> None:
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps does, as root)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             f"--user-data-dir={profile}", "--allow-file-access-from-files",
             "--run-all-compositor-stages-before-draw", f"--virtual-time-budget={VIRTUAL_TIME_MS}",
             "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
            capture_output=True, text=True, check=False, timeout=600,
        )
    if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        sys.exit(f"chromium did not print {out}:\n{result.stderr[-3000:]}")


def page_count(pdf: Path) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found[1]) if found else None


def main(argv: list[str]) -> int:
    out = Path(argv[0]).resolve() if argv else DEFAULT_OUT
    mathjax = mathjax_dir()
    with tempfile.TemporaryDirectory(prefix="yann-pdf-") as work:
        page = build_singlehtml(Path(work))
        use_local_mathjax(page, mathjax)
        print_pdf(page, out)
    if out == DEFAULT_OUT and PUBLISHED.parent.is_dir():
        shutil.copyfile(out, PUBLISHED)
    pages = page_count(out)
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
          f"{pages if pages is not None else '?'} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
