"""The prose numbers of every chapter: each ``{glue:text}`` role names a value glued in the executed
twin, and the book shows that value exactly as the chapter formatted it.

myst-nb passes stored text through ``ast.literal_eval`` before showing it, so a value stored as a
bare ``1.2800`` would appear as ``1.28``; yann's glue stores quoted text to keep the digits.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from myst_nb.core.variables import format_plain_text

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.md"))
ROLE = re.compile(r"\{glue:text\}`([\w-]+)(?::([^`]*))?`")


def glued_values(chapter: Path) -> dict[str, str]:
    twin = json.loads(chapter.with_suffix(".ipynb").read_text())
    values = {}
    for cell in twin["cells"]:
        for output in cell.get("outputs", []):
            key = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if key is not None:
                values[key] = output["data"]["application/papermill.record/text/plain"]
    return values


CASES = [
    (chapter, key, spec)
    for chapter in CHAPTERS
    for key, spec in sorted(set(ROLE.findall(chapter.read_text())))
]


def test_chapters_use_glue():
    assert len(CASES) >= 10


@pytest.mark.parametrize("chapter, key, spec", CASES, ids=[f"{c.stem}:{k}" for c, k, _ in CASES])
def test_glued_value_is_shown_as_stored(chapter: Path, key: str, spec: str):
    glued = glued_values(chapter)
    assert key in glued, f"{chapter.name}: {{glue:text}}`{key}` is used in the prose but never glued"
    stored = glued[key]
    try:
        as_text = ast.literal_eval(stored)
    except (SyntaxError, ValueError):
        as_text = stored
    if not isinstance(as_text, str):
        pytest.fail(f"{chapter.name}: {key} was glued as {stored!r}, not as text; use yann.glue.glue")
    if spec == "":
        assert format_plain_text(stored, spec) == as_text
