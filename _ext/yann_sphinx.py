"""Small fixes to the HTML of the book, loaded as a local Sphinx extension (see _config.yml).

- Each page listed sphinx-thebe's inline configuration script twice (Sphinx 7.4 adds a body-only
  script again when it prepares writing, once under the file name None and once under ""), and the
  second copy stops with "Identifier 'THEBE_JS_URL' has already been declared" in the browser's
  console. Drop exact duplicates from each page's scripts.
- Accessibility (axe-core, run on every page by tests/test_browser.py): the theme's search button
  and theme switch get templates in _ext/templates/ whose accessible names match their
  visible text; docutils writes the bibliography as role="list" holding role="doc-biblioentry"
  items, which ARIA does not allow inside a list (and which is deprecated): they become
  role="listitem"; myst-nb labels the summary of a folded cell "Toggle hidden content" while it
  shows "Show code cell source": the label goes, so its name is the text a reader sees.
- The one-page build that ``make pdf`` prints (``--builder singlehtml``): myst-nb registers how to
  write its folded cells (HideCodeCellNode) for the ``html`` builder only, and the theme's
  translator for ``singlehtml`` then fails on them; register the same functions for it.
- The PDF of the whole book (``make pdf`` writes _build/pdf/yann.pdf): when it exists, the tag
  ``yann_pdf`` is set, so the front page's ``{only} yann_pdf`` link is written, and the HTML build
  copies the PDF to its _static/yann.pdf, where that link points. Without a PDF there is no link
  and nothing to resolve, so ``make book`` stays warning-free either way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
PDF = Path("_build") / "pdf" / "yann.pdf"  # relative to the book's folder


def _pdf(app) -> Path:
    return Path(app.srcdir) / PDF


def _tag_pdf(app, config) -> None:
    if _pdf(app).is_file():
        app.tags.add("yann_pdf")


def _copy_pdf(app, exception) -> None:
    if exception is None and app.builder.name == "html" and _pdf(app).is_file():
        target = Path(app.outdir) / "_static" / "yann.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_pdf(app), target)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (
            str(getattr(script, "filename", script) or ""),
            getattr(script, "priority", 0),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


BODY_FIXES = [
    ('role="doc-biblioentry"', 'role="listitem"'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
]


def _fix_body(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body:
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def _add_templates(app, config) -> None:
    # Searched before the theme's own templates, so a file here replaces the theme's component.
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _register_for_singlehtml(app) -> None:
    try:
        from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
    except ImportError:  # another myst-nb: nothing to repair
        return
    app.add_node(HideCodeCellNode, override=True, singlehtml=(visit_HideCellInput, depart_HideCellInput))


def setup(app):
    _register_for_singlehtml(app)
    app.connect("config-inited", _add_templates)
    app.connect("config-inited", _tag_pdf)
    app.connect("build-finished", _copy_pdf)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", _fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
