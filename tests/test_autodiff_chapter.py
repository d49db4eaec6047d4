"""The prose numbers of the autodiff chapter: every glued key exists in the executed twin, and the
book shows it with the decimals the chapter stored.

myst-nb's ``{glue:text}`` role passes the stored text through ``ast.literal_eval`` first, so a
stored ``1.2800`` would be shown as ``1.28`` unless the role carries a format spec (``:.4f``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from myst_nb.core.variables import format_plain_text

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "05_autodiff.md"
ROLE = re.compile(r"\{glue:text\}`([\w-]+)(?::([^`]*))?`")


def _glued() -> dict[str, str]:
    twin = json.loads(CHAPTER.with_suffix(".ipynb").read_text())
    values = {}
    for cell in twin["cells"]:
        for output in cell.get("outputs", []):
            key = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if key is not None:
                values[key] = output["data"]["application/papermill.record/text/plain"]
    return values


ROLES = sorted(set(ROLE.findall(CHAPTER.read_text())))


def test_the_chapter_uses_glue():
    assert len(ROLES) >= 10


@pytest.mark.parametrize("key, spec", ROLES, ids=[k for k, _ in ROLES])
def test_glued_value_is_shown_as_stored(key: str, spec: str):
    glued = _glued()
    assert key in glued, f"{{glue:text}}`{key}` is used in the prose but never glued"
    assert format_plain_text(glued[key], spec) == glued[key], (
        f"{key}: the book would show {format_plain_text(glued[key], spec)!r} for {glued[key]!r}; "
        "give the role a format spec such as :.4f"
    )
