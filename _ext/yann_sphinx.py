"""Small fixes to the HTML of the book, loaded as a local Sphinx extension (see _config.yml).

- Each page listed sphinx-thebe's inline configuration script twice (Sphinx 7.4 adds a body-only
  script again when it prepares writing, once under the file name None and once under ""), and the
  second copy stops with "Identifier 'THEBE_JS_URL' has already been declared" in the browser's
  console. Drop exact duplicates from each page's scripts.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
