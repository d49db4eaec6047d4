"""The prose numbers of every chapter, and the records behind them.

Each ``{glue:text}`` role names a value glued in the executed twin, and the book shows that value
exactly as the chapter formatted it. myst-nb passes stored text through ``ast.literal_eval`` before
showing it, so a value stored as a bare ``1.2800`` would appear as ``1.28``; yann's glue stores
quoted text to keep the digits.

yann's glue writes the record itself (the same display output as myst-nb's
``glue(name, value, display=False)``), so nbval passes where myst-nb is not installed: the last
test runs nbval over a chapter in a subprocess that cannot import myst-nb.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from myst_nb.core.variables import format_plain_text

from yann import glue as yann_glue

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
ROLE = re.compile(r"\{glue:text\}`([\w-]+)(?::([^`]*))?`")
# Any glue role or directive at all: each must be one the ROLE pattern reads (and so tests).
ANY_GLUE = re.compile(r"\{glue(?::[\w]*)?\}")


def glued_values(chapter: Path) -> dict[str, str]:
    twin = json.loads(chapter.with_suffix(".ipynb").read_text())
    values = {}
    for cell in twin["cells"]:
        for output in cell.get("outputs", []):
            key = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if key is not None:
                values[key] = output["data"]["application/papermill.record/text/plain"]
    return values


ESCAPE = re.compile(r"\\(?:([nt\\'\"])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def unescape(text: str) -> str:
    """The escapes Python's repr writes (a matrix's line breaks, a thin space...), decoded."""

    def one(match: re.Match) -> str:
        simple, *code = match.groups()
        if simple:
            return {"n": "\n", "t": "\t"}.get(simple, simple)
        return chr(int(next(c for c in code if c), 16))

    return ESCAPE.sub(one, text)


CASES = [
    (chapter, key, spec)
    for chapter in CHAPTERS
    for key, spec in sorted(set(ROLE.findall(chapter.read_text())))
]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_glue_role_is_one_this_file_checks(chapter: Path):
    """A role written another way ({glue}, {glue:md}, a typo in the key) would escape the checks
    below; so every glue role in the chapter must be a {glue:text} role that ROLE reads."""
    text = chapter.read_text()
    roles = ANY_GLUE.findall(text)
    read = ROLE.findall(text)
    assert len(read) == len(roles), (
        f"{chapter.name}: {len(roles)} glue roles, of which only {len(read)} are "
        "{glue:text}`key` roles this test can check"
    )


@pytest.mark.parametrize("chapter, key, spec", CASES, ids=[f"{c.stem}:{k}" for c, k, _ in CASES])
def test_glued_value_is_shown_as_stored(chapter: Path, key: str, spec: str):
    glued = glued_values(chapter)
    assert key in glued, f"{chapter.name}: {{glue:text}}`{key}` is used in the prose but never glued"
    stored = glued[key]
    # yann stores text as a quoted literal; the book must show the text between the quotes,
    # character for character (trailing zeros included), whatever myst-nb does to it.
    quoted = len(stored) >= 2 and stored[0] == stored[-1] and stored[0] in "'\""
    assert quoted, f"{chapter.name}: {key} was glued as {stored!r}, not as quoted text; use yann.glue.glue"
    inner = unescape(stored[1:-1])
    if spec == "":
        assert format_plain_text(stored, spec) == inner


# -- the record itself ------------------------------------------------------------------------


def _myst_nb_record(monkeypatch, name, value):
    """What myst-nb's own glue displays for ``value`` (display=False)."""
    import IPython.core.formatters
    import myst_nb.ext.glue as myst_glue
    from IPython.core.formatters import DisplayFormatter

    shown = []
    # No IPython shell in this process: format as a shell's formatter would, record the display.
    monkeypatch.setattr(IPython.core.formatters, "format_display_data", lambda v: DisplayFormatter().format(v))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda data, raw, metadata: shown.append((data, metadata)))
    myst_glue.glue(name, value, display=False)
    (record,) = shown
    return record


@pytest.mark.parametrize(
    "value, decimals",
    [(0.870124846, 4), ([[0.1, -0.5], [2.0, 3.25]], 2), ("0.5*a + b", None), (7, 0)],
)
def test_yann_writes_the_record_myst_nb_writes(monkeypatch, value, decimals):
    formatted = yann_glue._Text(value if decimals is None else yann_glue.fmt(value, decimals))
    ours = yann_glue._record("key", formatted)
    assert ours == _myst_nb_record(monkeypatch, "key", formatted)
    data, metadata = ours
    assert list(data) == ["application/papermill.record/text/plain"]
    assert metadata == {"scrapbook": {"name": "key", "mime_prefix": "application/papermill.record/"}}


def test_a_non_text_object_is_recorded_as_myst_nb_would(monkeypatch):
    import sympy as sp

    expression = sp.Rational(1, 3) * sp.Symbol("a")
    assert yann_glue._record("expr", expression) == _myst_nb_record(monkeypatch, "expr", expression)


def test_myst_nb_reads_the_record_back():
    from myst_nb.ext.glue import extract_glue_data_cell
    from nbformat import v4

    data, metadata = yann_glue._record("loss", yann_glue._Text("0.8701"))
    cell = v4.new_code_cell(
        "glue('loss', loss)", outputs=[v4.new_output("display_data", data=data, metadata=metadata)]
    )
    [(key, found)] = extract_glue_data_cell(cell)
    assert key == "loss"
    assert format_plain_text(found["data"]["text/plain"], "") == "0.8701"


def test_glue_outside_a_kernel_only_checks_the_value(capsys):
    yann_glue.glue("key", 1.5)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="non-finite"):
        yann_glue.glue("key", float("nan"))


# -- nbval without the book toolchain ---------------------------------------------------------

# A chapter that glues values into its prose and runs in a second or two.
NO_MYST_CHAPTER = "02_forward_pass"

BLOCK_MYST_NB = textwrap.dedent("""\
    # Loaded by every Python of the test (pytest and the notebook kernel): myst_nb cannot be imported.
    import sys

    class _NoMystNb:
        def find_spec(self, name, path=None, target=None):
            if name == "myst_nb" or name.startswith("myst_nb."):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, _NoMystNb())
    """)


def _without_myst_nb(tmp_path: Path) -> dict[str, str]:
    block = tmp_path / "block"
    block.mkdir()
    (block / "sitecustomize.py").write_text(BLOCK_MYST_NB)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(block), env.get("PYTHONPATH")]))
    return env


def _probe_notebook(path: Path) -> Path:
    """A one-cell notebook whose recorded output says the kernel could not import myst_nb."""
    from nbformat import v4

    notebook = v4.new_notebook(cells=[v4.new_code_cell(
        "try:\n    import myst_nb\n    print('imported')\nexcept ImportError:\n    print('blocked')"
    )])
    notebook.cells[0].outputs = [v4.new_output("stream", name="stdout", text="blocked\n")]
    notebook.cells[0].execution_count = 1
    path.write_text(json.dumps(notebook))
    return path


def test_nbval_passes_with_myst_nb_unimportable(tmp_path):
    """nbval over a chapter that glues, in a pytest whose Python (and so the notebook kernels it
    starts) cannot import myst_nb; a probe notebook in the same run proves the kernels could not."""
    env = _without_myst_nb(tmp_path)
    probe = subprocess.run(
        [sys.executable, "-c", "import myst_nb"], env=env, capture_output=True, text=True, check=False
    )
    assert probe.returncode != 0 and "blocked by the test" in probe.stderr, "myst_nb was not blocked"
    chapter = ROOT / "chapters" / f"{NO_MYST_CHAPTER}.ipynb"
    assert any(glued_values(chapter.with_suffix(".md"))), f"{chapter.name} glues nothing: pick another"
    kernel_probe = _probe_notebook(tmp_path / "kernel_probe.ipynb")
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-q",
            "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/sanitize.cfg",
            str(chapter), str(kernel_probe),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # Every cell of the chapter, and the probe's one cell, ran and passed.
    cells = sum(cell["cell_type"] == "code" for cell in json.loads(chapter.read_text())["cells"])
    assert re.search(rf"^{cells + 1} passed\b", result.stdout, re.M), result.stdout[-2000:]
