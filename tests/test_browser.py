"""Open every page of the built book in a real browser and check what a reader would see.

Headless Chromium (Debian's ``chromium`` package, driven by Playwright's Python package through
``executable_path``) loads each page from a local web server and the test requires: no console
errors, every image loaded, every internal link (and its #anchor) resolves, math rendered by
MathJax with no raw TeX left in the visible text, equation references numbered like their
equations, a Colab link on every chapter page that opens the chapter's .ipynb on branch main, and
no horizontal scrolling on a 390-pixel-wide phone.

What a reader must be able to read, measured element by element (issue 15): at 1280 px no display
equation, code input or output block is wider than its box (scrollWidth against clientWidth, and
the rendered math against its column); at 390 px a wide block scrolls inside its own box and no
equation number overlaps its equation; every figure has real alt text (not a file name); and
axe-core, injected into every page, finds no serious or critical accessibility violation.
It saves screenshots of one chapter in light and dark mode to test-artifacts/, and writes every
measurement to test-artifacts/browser-report.json.

The book is taken from _build/html when that is newer than every source (``make book`` first, as
``.ci/run`` does), and otherwise built into a temporary folder (execution is off: seconds). Pages
are opened a few at a time and every wait is on an event (load, MathJax's promise, image events,
animations finishing), never a fixed sleep. The test runs offline: MathJax's CDN request is answered
from a local copy of the ``mathjax`` npm package (``make test`` fetches it and ``axe-core`` into
.cache/; ``YANN_MATHJAX_DIR`` and ``YANN_AXE`` point elsewhere), and any other request off this
machine fails the test. Without chromium, the MathJax copy or axe-core the test is skipped and says
why.
"""

from __future__ import annotations

import asyncio
import html.parser
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ROOT, chapter_notebooks

sys.path.insert(0, str(ROOT / "tools"))
import colab_cell

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("YANN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT_CHAPTER = "01_network"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGES_AT_ONCE = max(2, min(4, os.cpu_count() or 2))
MATHJAX_URL = re.compile(r"/mathjax@(?P<version>[0-9][^/]*)/(?P<path>[^?#]+)")
AXE_IMPACTS = {"serious", "critical"}
RAW_TEX = ["$$", "\\begin{", "\\end{", "\\(", "\\)", "\\[", "\\]"]
BOOK_SOURCES = ["*.md", "*.yml", "*.bib", "chapters/*.ipynb", "_static/*", "_ext/*.py", "_ext/templates/*"]


# --- what the test needs: chromium, a MathJax copy, a built book, a local server -------------

def _mathjax_dir() -> Path | None:
    if os.environ.get("YANN_MATHJAX_DIR"):
        candidates = [Path(os.environ["YANN_MATHJAX_DIR"])]
    else:
        candidates = sorted((ROOT / ".cache").glob("mathjax-3*"), reverse=True)
    for folder in candidates:
        if (folder / "es5" / "tex-mml-chtml.js").is_file():
            return folder
    return None


def _book_is_fresh(html: Path) -> bool:
    index = html / "intro.html"
    if not index.is_file():
        return False
    newest = max(p.stat().st_mtime for pattern in BOOK_SOURCES for p in ROOT.glob(pattern))
    return index.stat().st_mtime > newest


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Path:
    """The built HTML book: YANN_BOOK_HTML if set (to measure another build), _build/html if
    fresh, else a new build in a temporary folder."""
    if os.environ.get("YANN_BOOK_HTML"):
        return Path(os.environ["YANN_BOOK_HTML"])
    html = ROOT / "_build" / "html"
    if _book_is_fresh(html):
        return html
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", "--path-output", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"jupyter-book build failed:\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def server(book: Path):
    """Serve the book on localhost from a separate process (a server thread in this process would
    compete with the browser driver for the interpreter and slow every request down)."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(book)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        banner = process.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 12345 (...) ..."
        port = re.search(r"port (\d+)", banner)
        assert port, f"the web server did not start: {banner!r}"
        yield f"http://127.0.0.1:{port[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(make test does so when run as root; or set YANN_CHROMIUM)")
    pytest.importorskip("playwright.async_api", reason="pip install -r requirements.txt")
    return CHROMIUM


def _axe_script() -> Path | None:
    if os.environ.get("YANN_AXE"):
        candidates = [Path(os.environ["YANN_AXE"])]
    else:
        candidates = sorted((ROOT / ".cache").glob("axe-core-4*/axe.min.js"), reverse=True)
    return next((path for path in candidates if path.is_file()), None)


@pytest.fixture(scope="session")
def axe() -> Path:
    script = _axe_script()
    if script is None:
        pytest.skip("no local axe-core in .cache/axe-core-4*/axe.min.js: run make browser-deps "
                    "(it fetches the axe-core npm package) or set YANN_AXE to its axe.min.js")
    return script


@pytest.fixture(scope="session")
def mathjax() -> Path:
    folder = _mathjax_dir()
    if folder is None:
        pytest.skip("no local MathJax 3 copy in .cache/mathjax-3*: run make test (it fetches the "
                    "mathjax npm package) or set YANN_MATHJAX_DIR")
    return folder


async def _new_context(browser, server: str, mathjax: Path, blocked: list[str], **options):
    """A browser context that serves MathJax locally and blocks (and records) the internet."""
    context = await browser.new_context(viewport=DESKTOP, **options)

    async def handle(route):
        url = route.request.url
        match = MATHJAX_URL.search(urlsplit(url).path)
        if match:
            local = mathjax / match["path"]
            if match["version"].split(".")[0] == "3" and local.is_file():
                return await route.fulfill(path=str(local))
        blocked.append(url)
        return await route.abort()

    await context.route(lambda url: not url.startswith(server + "/"), handle)
    return context


# --- visiting every page once -----------------------------------------------------------------

@dataclass
class PageReport:
    """What one page showed in the browser."""

    path: str
    errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    has_math: bool = False
    mathjax: dict = field(default_factory=dict)
    raw_tex: list[str] = field(default_factory=list)
    colab_links: list[str] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    desktop_blocks: list[dict] = field(default_factory=list)
    phone_blocks: list[dict] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    steps: dict = field(default_factory=dict)

    def wide(self, kind: str, where: str) -> list[dict]:
        blocks = self.desktop_blocks if where == "desktop" else self.phone_blocks
        return [b for b in blocks if b["kind"] == kind and b["wide"]]


WAIT_FOR_MATHJAX = """async () => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return null;
  await MathJax.startup.promise;
  return {version: MathJax.version,
          containers: document.querySelectorAll('mjx-container').length,
          errors: Array.from(document.querySelectorAll('mjx-merror'))
                       .map(e => e.getAttribute('data-mjx-error') || e.textContent)};
}"""

WAIT_FOR_IMAGES = """async () => {
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
    setTimeout(done, 10000);
  })));
  return images.filter(img => !(img.complete && img.naturalWidth > 0))
               .map(img => img.getAttribute('src'));
}"""

# Visible text outside code and outside MathJax's own output, where raw TeX must not remain.
VISIBLE_PROSE = """() => {
  const skip = 'pre, code, script, style, textarea, noscript, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (parent.getClientRects().length === 0) continue;  // not rendered
    texts.push(node.textContent);
  }
  return texts.join(' ');
}"""

# After the viewport narrows, let the theme's transitions (sidebars sliding away) finish first.
SETTLE = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
}"""

MEASURE_OVERFLOW = """async () => {
  const width = document.documentElement.clientWidth;
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const culprits = [];
  if (scrollWidth > width) {
    // The outermost elements sticking out on the right that no scrolling box clips.
    const clipped = el => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX !== 'visible' || style.position === 'fixed') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right <= width + 1 || box.width === 0 || el.closest('[data-culprit]')) continue;
      if (getComputedStyle(el).position === 'fixed' || clipped(el)) continue;
      el.setAttribute('data-culprit', '');
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} right=${Math.round(box.right)}`);
      if (culprits.length >= 5) break;
    }
  }
  return {width, scrollWidth, culprits};
}"""


# Every display equation, code input and output block of the page's article, measured in place.
# A block is "wide" when its content is wider than its box (scrollWidth > clientWidth) or sticks
# out of the article's column; it is "contained" when the part that does not fit scrolls inside a
# box of the block itself (overflow-x auto or scroll) that ends inside the column. An equation's
# number "overlaps" when its box meets the visible part of the rendered math.
MEASURE_BLOCKS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const column = article.getBoundingClientRect();
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const where = el => {
    const section = el.closest('section[id]');
    const own = el.id || (el.closest('[id]') || {}).id || '';
    return own && section && own !== section.id ? `#${section.id} #${own}` :
           section ? `#${section.id}` : (own ? `#${own}` : '');
  };
  const snippet = el => (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  const intersect = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 1 && h > 1;
  };
  // The box that scrolls the content: the block or one of its descendants that holds content.
  const scrollBox = (block, content) => {
    for (let el = content; el; el = el.parentElement) {
      if (scrolls(el)) return el;
      if (el === block) break;
    }
    return null;
  };
  const blocks = [];
  const measure = (kind, block, content, text) => {
    if (block.getClientRects().length === 0) return null;  // not rendered (folded away)
    const box = block.getBoundingClientRect();
    const inner = content.getBoundingClientRect();
    const scroller = scrollBox(block, content);
    const tooWide = Math.max(block.scrollWidth - block.clientWidth,
                             scroller ? scroller.scrollWidth - scroller.clientWidth : 0,
                             scroller ? 0 : inner.right - box.right,
                             box.right - column.right);
    const wide = tooWide > 1;
    const contained = wide && scroller !== null &&
      scroller.getBoundingClientRect().right <= column.right + 1;
    const item = {kind, where: where(block), text: snippet(text || block), wide, contained,
                  overflow: Math.round(tooWide), width: Math.round(box.width)};
    blocks.push(item);
    return item;
  };
  for (const div of article.querySelectorAll('div.math')) {
    const container = div.querySelector('mjx-container');
    if (!container) continue;
    const math = container.querySelector('mjx-math') || container;
    const item = measure('equation', div, math, div.querySelector('mjx-assistive-mml') || div);
    if (!item) continue;
    const number = div.querySelector('.eqno');
    item.number = number ? number.textContent.trim() : '';
    item.overlaps = false;
    if (number && number.getClientRects().length) {
      const scroller = scrollBox(div, math);
      let visible = math.getBoundingClientRect();
      if (scroller) {
        const s = scroller.getBoundingClientRect();
        visible = {left: Math.max(visible.left, s.left), right: Math.min(visible.right, s.right),
                   top: Math.max(visible.top, s.top), bottom: Math.min(visible.bottom, s.bottom)};
      }
      item.overlaps = intersect(number.getBoundingClientRect(), visible);
    }
  }
  for (const pre of article.querySelectorAll('pre')) {
    const kind = pre.closest('.cell_output') ? 'output' : pre.closest('.cell_input') ? 'input' : 'code';
    measure(kind, pre, pre);
  }
  // Outputs that are not text: HTML tables, and figures (measured in the box that holds them).
  for (const out of article.querySelectorAll('.cell_output .output:not(.stream):not(.text_plain)')) {
    if (out.querySelector('pre, img')) continue;
    measure('output', out, out.firstElementChild || out);
  }
  for (const img of article.querySelectorAll('.cell_output img')) {
    measure('output', img.parentElement, img, {textContent: img.getAttribute('alt') || ''});
  }
  return blocks;
}"""

# Images of the article (figures, outputs) whose alt text is missing or only names a file.
IMAGES_WITHOUT_ALT = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const bad = [];
  for (const img of article.querySelectorAll('img')) {
    const alt = (img.getAttribute('alt') || '').trim();
    const src = img.getAttribute('src') || '';
    const file = src.split('/').pop();
    if (!alt || alt === src || alt === file || alt.split('/').pop() === file ||
        /\\.(png|jpe?g|gif|svg|webp)$/i.test(alt) || alt.startsWith('../')) {
      bad.push(`${src} alt=${JSON.stringify(alt)}`);
    }
  }
  return bad;
}"""

# MathJax's glyph boxes (mjx-math) are aria-hidden: assistive technology reads the MathML copy
# next to them, which axe does check. Skipping the thousands of glyph boxes halves axe's time.
RUN_AXE = """async () => {
  const result = await axe.run({exclude: [['mjx-container > mjx-math']]},
                               {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
}"""


REDIRECT = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


def _pages(book: Path) -> list[str]:
    return sorted(
        p.relative_to(book).as_posix()
        for p in book.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(book).parts)
    )


async def _visit(context, server: str, book: Path, path: str, axe: Path) -> PageReport:
    """Open one page, desktop-sized, then narrow it to a phone, and report what it showed."""
    report = PageReport(path)
    redirect = REDIRECT.search((book / path).read_text(encoding="utf-8"))
    if redirect:  # index.html only sends the reader on to the first page: check its target
        report.links = [urljoin(f"{server}/{path}", redirect[1])]
        report.overflow = {"width": 0, "scrollWidth": 0}
        return report
    started = time.perf_counter()
    page = await context.new_page()
    page.on("console", lambda m: report.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: report.errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: report.errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: report.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    await page.goto(f"{server}/{path}", wait_until="load")
    report.steps["load"] = time.perf_counter() - started
    report.has_math = await page.locator(".math").count() > 0
    report.mathjax = await page.evaluate(WAIT_FOR_MATHJAX) or {}
    report.broken_images = await page.evaluate(WAIT_FOR_IMAGES)
    report.links = await page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    report.colab_links = [link for link in report.links if "colab.research.google.com" in link]
    text = await page.evaluate(VISIBLE_PROSE)
    report.raw_tex = [tex for tex in RAW_TEX if tex in text]
    report.steps["rendered"] = time.perf_counter() - started
    report.desktop_blocks = await page.evaluate(MEASURE_BLOCKS)
    report.images_without_alt = await page.evaluate(IMAGES_WITHOUT_ALT)
    await page.add_script_tag(path=str(axe))
    report.steps["measured"] = time.perf_counter() - started
    report.axe = await page.evaluate(RUN_AXE)
    report.steps["axe"] = time.perf_counter() - started
    await page.set_viewport_size(PHONE)
    await page.evaluate(SETTLE)
    report.phone_blocks = await page.evaluate(MEASURE_BLOCKS)
    report.overflow = await page.evaluate(MEASURE_OVERFLOW)
    await page.close()
    report.seconds = time.perf_counter() - started
    return report


async def _screenshots(browser, server: str, mathjax: Path, scheme: str) -> dict:
    """Screenshots of one chapter in a light or dark system theme; the theme the page chose."""
    blocked: list[str] = []
    context = await _new_context(browser, server, mathjax, blocked, color_scheme=scheme)
    page = await context.new_page()
    await page.goto(f"{server}/chapters/{SCREENSHOT_CHAPTER}.html", wait_until="load")
    await page.evaluate(WAIT_FOR_MATHJAX)
    await page.evaluate(WAIT_FOR_IMAGES)
    theme = await page.evaluate("() => document.documentElement.dataset.theme")
    background = await page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{SCREENSHOT_CHAPTER}-{scheme}"
    await page.screenshot(path=f"{shot}-top.png")
    figure = page.locator(".cell_output img").first
    if await figure.count():
        await figure.scroll_into_view_if_needed()
        await page.evaluate(SETTLE)
        await page.screenshot(path=f"{shot}-figure.png")
    phone = await context.new_page()
    await phone.set_viewport_size(PHONE)
    await phone.goto(f"{server}/chapters/{SCREENSHOT_CHAPTER}.html", wait_until="load")
    await phone.evaluate(WAIT_FOR_MATHJAX)
    await phone.evaluate(SETTLE)
    await phone.screenshot(path=f"{shot}-phone.png")
    await context.close()
    return {"theme": theme, "background": background, "blocked": blocked}


async def _visit_book(chromium: Path, book: Path, server: str, mathjax: Path, axe: Path):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
        )
        blocked: list[str] = []
        context = await _new_context(browser, server, mathjax, blocked)
        limit = asyncio.Semaphore(PAGES_AT_ONCE)

        async def visit(path):
            async with limit:
                return await _visit(context, server, book, path, axe)

        reports = await asyncio.gather(*(visit(path) for path in _pages(book)))
        await context.close()
        shots = {scheme: await _screenshots(browser, server, mathjax, scheme) for scheme in ["light", "dark"]}
        await browser.close()
    return {r.path: r for r in reports}, blocked, shots


@pytest.fixture(scope="session")
def visit(chromium, mathjax, axe, book, server):
    """Every page of the book, visited once: (reports by page, blocked requests, screenshots)."""
    started = time.perf_counter()
    result = asyncio.run(_visit_book(chromium, book, server, mathjax, axe))
    _write_report(result[0], time.perf_counter() - started)
    return result


def _counts(reports) -> dict:
    """The numbers issue 15 tracks, over the whole book."""
    counts = {}
    for where in ["desktop", "phone"]:
        for kind in ["equation", "input", "output", "code"]:
            wide = [b for r in reports.values() for b in r.wide(kind, where)]
            counts[f"{where} wide {kind}s"] = len(wide)
            counts[f"{where} wide {kind}s not scrolling in their box"] = sum(not b["contained"] for b in wide)
        blocks = [b for r in reports.values() for b in getattr(r, f"{where}_blocks")]
        counts[f"{where} equation numbers over the math"] = sum(bool(b.get("overlaps")) for b in blocks)
    counts["images without real alt text"] = sum(len(r.images_without_alt) for r in reports.values())
    counts["axe serious or critical violations (nodes)"] = sum(
        v["count"] for r in reports.values() for v in r.axe if v["impact"] in AXE_IMPACTS)
    return counts


def _write_report(reports, seconds: float) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        path: {"seconds": round(r.seconds, 2), "steps": {k: round(v, 2) for k, v in r.steps.items()},
               "desktop_wide": [b for b in r.desktop_blocks if b["wide"] or b.get("overlaps")],
               "phone_wide": [b for b in r.phone_blocks if b["wide"] or b.get("overlaps")],
               "images_without_alt": r.images_without_alt, "axe": r.axe}
        for path, r in sorted(reports.items())
    }
    summary = {"seconds": round(seconds, 1), "pages": len(reports), "counts": _counts(reports)}
    (ARTIFACTS / "browser-report.json").write_text(
        json.dumps({"summary": summary, "pages": pages}, indent=1, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session")
def reports(visit) -> dict[str, PageReport]:
    return visit[0]


# --- the checks --------------------------------------------------------------------------------

def _failures(reports, attribute) -> dict[str, list]:
    return {path: getattr(r, attribute) for path, r in reports.items() if getattr(r, attribute)}


def test_every_page_of_the_book_was_opened(reports):
    expected = {f"chapters/{nb.stem}.html" for nb in chapter_notebooks()}
    expected |= {"intro.html", "notation.html", "glossary.html", "bibliography.html",
                 "execution_report.html", "genindex.html", "search.html"}
    assert expected <= set(reports), f"pages missing from the book: {sorted(expected - set(reports))}"


def test_no_console_errors(reports):
    assert _failures(reports, "errors") == {}


def test_nothing_is_loaded_from_the_internet_except_mathjax(visit):
    assert visit[1] == []


def test_every_image_loads(reports):
    assert _failures(reports, "broken_images") == {}


class _Anchors(html.parser.HTMLParser):
    """The ids and names an HTML file defines (the targets of #fragments)."""

    def __init__(self):
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in {"id", "name"} and value:
                self.anchors.add(value)


def test_every_internal_link_resolves(reports, book, server):
    anchors: dict[Path, set[str]] = {}
    broken = {}
    for path, report in reports.items():
        for link in report.links:
            if not link.startswith(server + "/"):
                continue
            parts = urlsplit(link)
            target = book / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.setdefault(path, []).append(link[len(server):])
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    parser = _Anchors()
                    parser.feed(target.read_text(encoding="utf-8"))
                    anchors[target] = parser.anchors
                if unquote(parts.fragment) not in anchors[target]:
                    broken.setdefault(path, []).append(link[len(server):])
    assert broken == {}


def test_math_is_rendered_by_mathjax(reports):
    math_pages = {path: r for path, r in reports.items() if r.has_math}
    assert any(path.startswith("chapters/") for path in math_pages), "no chapter has math?"
    problems = {}
    for path, report in math_pages.items():
        if not report.mathjax:
            problems[path] = "MathJax did not start"
        elif not report.mathjax["version"].startswith("3."):
            problems[path] = f"MathJax {report.mathjax['version']}, expected 3.x"
        elif report.mathjax["containers"] == 0:
            problems[path] = "no math typeset"
        elif report.mathjax["errors"]:
            problems[path] = f"TeX errors: {report.mathjax['errors']}"
    assert problems == {}


def test_no_raw_tex_in_the_visible_text(reports):
    assert _failures(reports, "raw_tex") == {}


def test_equation_references_show_the_equation_numbers(book):
    """Every {eq} reference reads "(n)" where n is the number its equation displays."""
    reference = re.compile(r'<a class="reference internal" href="([^"#]*)#(equation-[^"]+)">([^<]*)</a>')
    numbers = {}
    for page in book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for anchor, number in re.findall(r'id="(equation-[^"]+)">\s*<span class="eqno">([^<]+)<', text):
            numbers[(page.resolve(), anchor)] = number
    checked, wrong = 0, []
    for page in book.rglob("*.html"):
        for href, anchor, shown in reference.findall(page.read_text(encoding="utf-8")):
            target = (page.parent / href).resolve() if href else page.resolve()
            expected = numbers.get((target, anchor))
            checked += 1
            if expected is None or shown != expected:
                wrong.append(f"{page.relative_to(book)}: {href}#{anchor} shows {shown!r}, equation says {expected!r}")
    assert checked > 0, "no equation references in the book"
    assert wrong == []


def test_chapter_pages_open_their_ipynb_on_colab(reports):
    owner_repo = urlsplit(colab_cell.repository_url()).path.strip("/")
    problems = {}
    for notebook in chapter_notebooks():
        path = f"chapters/{notebook.stem}.html"
        expected = (f"https://colab.research.google.com/github/{owner_repo}/blob/main/"
                    f"chapters/{notebook.name}")
        links = reports[path].colab_links if path in reports else ["(page missing)"]
        if not links or any(link != expected for link in links):
            problems[path] = links
    assert problems == {}, "each chapter's Colab link must open its .ipynb on branch main"


def test_chapter_pages_offer_the_ipynb_and_edit_the_md(reports):
    """The download button offers the notebook; "edit this page" opens the MyST source."""
    owner_repo = urlsplit(colab_cell.repository_url()).path.strip("/")
    problems = {}
    for notebook in chapter_notebooks():
        path = f"chapters/{notebook.stem}.html"
        links = reports[path].links if path in reports else []
        download = [link for link in links if link.endswith(f"/_sources/chapters/{notebook.name}")]
        edit = [link for link in links if f"github.com/{owner_repo}/edit/" in link]
        if not download or edit != [f"https://github.com/{owner_repo}/edit/main/chapters/{notebook.stem}.md"]:
            problems[path] = {"download": download, "edit": edit}
    assert problems == {}


def test_pages_fit_a_phone_screen(reports):
    too_wide = {
        path: r.overflow for path, r in reports.items() if r.overflow["scrollWidth"] > r.overflow["width"]
    }
    assert too_wide == {}, "pages scroll sideways on a 390-px-wide phone"


def _listing(reports, pick) -> dict[str, list[str]]:
    found = {}
    for path, report in sorted(reports.items()):
        items = pick(report)
        if items:
            found[path] = [f"{b['where']} {b['kind']} +{b['overflow']}px: {b['text']}" for b in items]
    return found


@pytest.mark.parametrize("kind", ["equation", "input", "output", "code"])
def test_nothing_is_cut_off_at_1280_px(reports, kind):
    """Every display equation, code input and output fits its column on a desktop screen."""
    wide = _listing(reports, lambda r: r.wide(kind, "desktop"))
    assert wide == {}, f"{kind} blocks wider than their column at 1280 px"


@pytest.mark.parametrize("kind", ["equation", "input", "output", "code"])
def test_wide_blocks_scroll_inside_their_own_box_on_a_phone(reports, kind):
    loose = _listing(reports, lambda r: [b for b in r.wide(kind, "phone") if not b["contained"]])
    assert loose == {}, f"{kind} blocks wider than a 390-px phone that do not scroll in their own box"


@pytest.mark.parametrize("where", ["desktop", "phone"])
def test_no_equation_number_overlaps_its_equation(reports, where):
    overlaps = {
        path: [f"{b['where']} {b['number']}" for b in getattr(r, f"{where}_blocks") if b.get("overlaps")]
        for path, r in reports.items()
    }
    assert {path: o for path, o in overlaps.items() if o} == {}


def test_every_figure_has_real_alt_text(reports):
    assert _failures(reports, "images_without_alt") == {}


def test_no_serious_accessibility_violations(reports):
    """axe-core on every page: no violation of serious or critical impact."""
    violations = {
        path: [f"{v['impact']} {v['id']} ({v['count']}x): {v['help']} e.g. {v['nodes'][:2]}"
               for v in r.axe if v["impact"] in AXE_IMPACTS]
        for path, r in sorted(reports.items())
    }
    assert {path: v for path, v in violations.items() if v} == {}


# --- screenshots in light and dark mode --------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_chapter_in_light_and_dark_mode(visit, scheme):
    """Screenshots are saved in test-artifacts/; the page follows the system's light or dark mode."""
    shot = visit[2][scheme]
    assert shot["theme"] == scheme
    assert shot["blocked"] == []
    brightness = sum(int(c) for c in re.findall(r"\d+", shot["background"])[:3]) / 3
    assert (brightness < 80) if scheme == "dark" else (brightness > 200), shot["background"]
    for part in ["top", "phone"]:
        assert (ARTIFACTS / f"{SCREENSHOT_CHAPTER}-{scheme}-{part}.png").stat().st_size > 10_000
