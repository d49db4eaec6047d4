"""Guards of the notebook pipeline and of the chapters' conventions.

Each chapter's .md source and its executed .ipynb twin agree, every cell was run, no stored output
holds noise that nbval would trip on, and the Colab install cell (tagged remove-cell) matches the
repository url in _config.yml. Every chapter has a check cell (tagged check and hide-input) that
calls numpy.testing.assert_allclose and prints one line; asserts live only in check cells; cells
that only glue are removed from the page; code and printed lines are at most 80 characters. That
each check cell can fail is proved while nbval runs it (the plugin in tests/conftest.py), and a
test here proves the plugin catches check cells that cannot fail.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_cell  # noqa: E402

SOURCES = sorted((ROOT / "chapters").glob("*.md"))
TWINS = sorted((ROOT / "chapters").glob("*.ipynb"))
NOISE = {
    "a memory address": re.compile(r"at 0x[0-9a-fA-F]{4,}"),
    "a kernel temp path": re.compile(r"ipykernel_\d+|" + re.escape(tempfile.gettempdir() + "/")),
    "a framework repr": re.compile(r"grad_fn=<|<tf\.Variable|<KerasVariable"),
    # The checkout, the home folder or installed packages: paths that differ from machine to machine.
    "a file path of this machine": re.compile(
        "|".join(["site-packages", re.escape(str(ROOT.parent)), re.escape(str(Path.home()) + "/")])
    ),
}


def _name(path: Path) -> str:
    return path.name


def _code_cells(notebook) -> list:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


CHAPTER_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*$")


def test_chapters_are_numbered_in_reading_order_without_gaps():
    """The file number is the reading order (_toc.yml takes chapters by glob): 01, 02, ... with no
    gap, no repeat and no stray name, and at least the four chapters done by hand."""
    stems = [p.stem for p in SOURCES]
    bad = [stem for stem in stems if not CHAPTER_NAME.match(stem)]
    assert not bad, f"chapter files not named NN_slug: {bad}"
    numbers = [int(stem[:2]) for stem in stems]
    assert len(numbers) >= 4
    assert numbers == list(range(1, len(numbers) + 1)), f"chapter numbers {numbers} skip or repeat"


def test_every_chapter_is_in_a_part_of_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    globs = re.findall(r"^\s*- glob:\s*(\S+)", toc, re.M)
    files = re.findall(r"^\s*- file:\s*(\S+)", toc, re.M)
    for source in SOURCES:
        stem = f"chapters/{source.stem}"
        assert stem in files or any(fnmatch.fnmatch(stem, g) for g in globs), f"{stem} is in no part"


def test_sources_and_twins_pair_up():
    assert [p.stem for p in SOURCES] == [p.stem for p in TWINS]


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_twin_has_the_same_cells(source: Path):
    twin = source.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} is missing: run make notebooks"
    expected = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    actual = [(c.cell_type, c.source) for c in jupytext.read(twin).cells]
    assert actual == expected, f"{twin.name} is stale: run make notebooks"


@pytest.mark.parametrize("twin", TWINS, ids=_name)
def test_every_code_cell_was_executed_in_order(twin: Path):
    counts = [cell["execution_count"] for cell in _code_cells(json.loads(twin.read_text()))]
    assert None not in counts, f"{twin.name} has a never-run cell; nbval would skip it silently"
    assert counts == list(range(1, len(counts) + 1)), f"{twin.name} was not run top to bottom once"


@pytest.mark.parametrize("twin", TWINS, ids=_name)
def test_no_noise_in_stored_outputs(twin: Path):
    for index, cell in enumerate(_code_cells(json.loads(twin.read_text()))):
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", f"{twin.name} code cell {index} recorded stderr"
            assert output["output_type"] != "error", (
                f"{twin.name} code cell {index} recorded a traceback; use yann.printing.expect_error"
            )
            text = json.dumps(output.get("data", output.get("text", "")))
            for what, pattern in NOISE.items():
                assert not pattern.search(text), f"{twin.name} code cell {index} recorded {what}"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_first_code_cell_installs_yann_on_colab(source: Path):
    first = _code_cells(jupytext.read(source))[0]
    assert first.source == colab_cell.install_cell_source(), (
        f"{source.name}: install cell differs from _config.yml/pyproject.toml; run make notebooks"
    )
    assert colab_cell.repository_url() in first.source
    assert first.metadata.get("tags") == [colab_cell.TAGS], (
        f"{source.name}: the install cell must be tagged [{colab_cell.TAGS}]; run tools/colab_cell.py"
    )


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _calls(code: str) -> list[str]:
    """The names of the functions called in ``code`` (``np.testing.assert_allclose`` ->
    ``assert_allclose``); IPython magics and shell escapes are dropped before parsing."""
    plain = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    return [
        getattr(node.func, "attr", getattr(node.func, "id", ""))
        for node in ast.walk(ast.parse(plain))
        if isinstance(node, ast.Call)
    ]


def _is_glue_only(code: str) -> bool:
    """Every statement of the cell is a call of glue(...), or a loop or ``with`` holding only those."""

    def glue_only(statements) -> bool:
        for node in statements:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                if getattr(node.value.func, "attr", getattr(node.value.func, "id", "")) != "glue":
                    return False
            elif isinstance(node, (ast.For, ast.With)):
                if node.__dict__.get("orelse") or not glue_only(node.body):
                    return False
            else:
                return False
        return True

    body = ast.parse(code).body
    return bool(body) and glue_only(body)


def _text_outputs(cell) -> list[str]:
    """What a reader sees printed by a cell: stdout/stderr text and plain-text results (not the
    hidden glue records, not images)."""
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append("".join(output.get("text", "")))
        elif output.get("output_type") in {"execute_result", "display_data"}:
            plain = output.get("data", {}).get("text/plain")
            if plain is not None:
                texts.append("".join(plain))
    return texts


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_chapter_has_a_check_cell_that_asserts_its_numbers(source: Path):
    """A cell tagged ``check`` (and ``hide-input``) calls numpy.testing.assert_allclose and prints a
    one-line verdict. That its asserts can fail is proved while nbval runs it (tests/conftest.py)."""
    checks = [c for c in _code_cells(jupytext.read(source)) if "check" in _tags(c)]
    assert checks, f"{source.name} has no code cell tagged check"
    for cell in checks:
        assert "hide-input" in _tags(cell), f"{source.name}: a check cell must be tagged hide-input too"
        assert "assert_allclose" in _calls(cell.source), (
            f"{source.name}: its check cell never calls numpy.testing.assert_allclose"
        )
    twin = json.loads(source.with_suffix(".ipynb").read_text())
    for cell in _code_cells(twin):
        if "check" in _tags(cell):
            printed = "".join(_text_outputs(cell)).strip("\n").splitlines()
            assert len(printed) == 1, (
                f"{source.name}: the check cell must print one line of verdict, not {printed!r}"
            )


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_asserts_live_in_check_cells(source: Path):
    """Teaching cells teach; the chapter's asserts are collected in its check cells."""
    offenders = []
    for index, cell in enumerate(_code_cells(jupytext.read(source))):
        if "check" in _tags(cell):
            continue
        plain = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in cell.source.splitlines())
        tree = ast.parse(plain)
        if any(isinstance(n, ast.Assert) for n in ast.walk(tree)) or "assert_allclose" in _calls(plain):
            offenders.append(index)
    assert not offenders, f"{source.name}: code cells {offenders} assert; move the asserts to the check cell"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_cells_that_only_glue_are_removed_from_the_page(source: Path):
    offenders = [
        index for index, cell in enumerate(_code_cells(jupytext.read(source)))
        if _is_glue_only(cell.source) and "remove-cell" not in _tags(cell)
    ]
    assert not offenders, f"{source.name}: code cells {offenders} only glue; tag them remove-cell"


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_glue_is_called_only_where_the_page_hides_the_code(source: Path):
    """glue stores a value for the prose; the line that stores it is plumbing, not teaching."""
    hidden = {"remove-cell", "remove-input", "hide-input"}
    offenders = [
        index for index, cell in enumerate(_code_cells(jupytext.read(source)))
        if "glue" in _calls(cell.source) and not hidden & set(_tags(cell))
    ]
    assert not offenders, f"{source.name}: code cells {offenders} call glue on the page; move it to a remove-cell"


def test_the_glue_only_rule_reads_cells_right():
    assert _is_glue_only('glue("a", 1.0)\nglue("b", x, decimals=2)')
    assert _is_glue_only('for k in names:\n    glue(f"ref-{k}", reference(k))')
    assert not _is_glue_only('glue("a", 1.0)\nshow("a", a)')
    assert not _is_glue_only('gap = abs(a - b)\nglue("gap", gap)')
    assert not _is_glue_only("")


MAX_LINE = 80  # characters: a page column at 1280 px holds about this many monospace characters


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_code_and_printed_lines_fit_the_page(source: Path):
    too_long = []
    for index, cell in enumerate(_code_cells(jupytext.read(source))):
        too_long += [
            f"code cell {index} line {n}: {len(line)} characters"
            for n, line in enumerate(cell.source.splitlines(), 1) if len(line) > MAX_LINE
        ]
    # The cell's header in the .md too (figure captions and alt text): the source a reader edits.
    inside = False
    for n, line in enumerate(source.read_text().splitlines(), 1):
        if line.startswith("```{code-cell}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside and len(line) > MAX_LINE:
            too_long.append(f"{source.name} line {n}: {len(line)} characters")
    for index, cell in enumerate(_code_cells(json.loads(source.with_suffix(".ipynb").read_text()))):
        lines = [line for text in _text_outputs(cell) for line in text.splitlines()]
        too_long += [
            f"output of code cell {index}: a line of {len(line)} characters"
            for line in lines if len(line) > MAX_LINE
        ]
    assert not too_long, f"{source.name}: lines over {MAX_LINE} characters:\n" + "\n".join(too_long)


def test_check_cells_that_cannot_fail_are_caught(tmp_path):
    """The plugin in tests/conftest.py, run by nbval on a notebook made here: a check cell whose
    tolerance swallows a wrong value, one with no assert_allclose at all, and one that catches its
    own AssertionError fail; a sound one passes, and the cell after it sees the state it left.
    One notebook, so one kernel."""
    from nbformat import v4, write

    sound = "n = 0\nassert_allclose(x * 2, [1.0, 3.0])\nassert_allclose(x.sum(), 2.0)\nn = 2\nprint('ok')"
    after = "print(n)"  # the re-runs of the check cell must not leave n at 0
    loose = "assert_allclose(x * 2, [1.0, 3.0])\nassert_allclose(x.sum(), 2.0, atol=1)\nprint('ok')"
    bare = "assert abs(x.sum() - 2.0) < 1e-9\nprint('ok')"
    swallowed = "try:\n    assert_allclose(x.sum(), 2.0)\nexcept AssertionError:\n    pass\nprint('ok')"
    setup = "import numpy as np\nfrom numpy.testing import assert_allclose\nx = np.array([0.5, 1.5])"
    cells = [v4.new_code_cell(setup)]
    for code in (sound, after, loose, bare, swallowed):
        cell = v4.new_code_cell(code, metadata={"tags": ["hide-input", "check"] if code != after else []})
        cell.outputs = [v4.new_output("stream", name="stdout", text="ok\n" if code != after else "2\n")]
        cells.append(cell)
    for count, cell in enumerate(cells, 1):
        cell.execution_count = count
    write(v4.new_notebook(cells=cells), tmp_path / "probe.ipynb")
    path = os.pathsep.join(filter(None, [str(ROOT / "tests"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "conftest",
         "--nbval", "--nbval-current-env", "-rA", "probe.ipynb"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    found = re.findall(r"^(PASSED|FAILED) probe\.ipynb::Cell (\d)", result.stdout, re.M)
    outcomes = {cell: outcome for outcome, cell in found}
    expected = {"0": "PASSED", "1": "PASSED", "2": "PASSED", "3": "FAILED", "4": "FAILED", "5": "FAILED"}
    assert outcomes == expected, result.stdout[-4000:]
    assert "call 2 of 2 did not fail" in result.stdout
    assert "with every expected value moved, the cell ended in: passed" in result.stdout
    assert "calls numpy.testing.assert_allclose nowhere" in result.stdout


TF_PACKAGES = {"tensorflow", "keras", "tf_keras"}
# Importing either of these sets TensorFlow's environment first (yann.keras_io imports yann.tf_env).
TF_ENV_MODULES = {"yann.tf_env", "yann.keras_io"}


def imported_modules(code: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``code``, in source order: ``import a, b``,
    ``from a import b`` (also as ``a.b``), ``importlib.import_module("a")`` and ``__import__("a")``.
    IPython magics and shell escapes are dropped before parsing."""
    plain = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    found = []
    for node in ast.walk(ast.parse(plain)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_tensorflow_is_imported_through_yann(source: Path):
    code = "\n".join(c.source for c in _code_cells(jupytext.read(source)))
    imports = imported_modules(code)
    first_tf = next((line for line, m in imports if m.split(".")[0] in TF_PACKAGES), None)
    if first_tf is not None:
        first_env = next((line for line, m in imports if m in TF_ENV_MODULES), None)
        assert first_env is not None and first_env < first_tf, (
            f"{source.name} imports TensorFlow or Keras (line {first_tf} of its code) before yann.tf_env"
        )


def test_the_tensorflow_check_catches_hidden_imports():
    assert imported_modules("import numpy as np, tensorflow as tf")[-1] == (1, "tensorflow")
    assert imported_modules('import importlib\nimportlib.import_module("keras")')[-1] == (2, "keras")
    assert imported_modules("%pip install x\nfrom yann.tf_env import tf") == [
        (2, "yann.tf_env"), (2, "yann.tf_env.tf")
    ]


SKIPPED_FOLDERS = {".git", "_build", ".cache", "test-artifacts", "__pycache__"}


def test_repository_url_is_written_once():
    url = colab_cell.repository_url()
    hits = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED_FOLDERS and not d.startswith(".venv")]
        for name in files:
            path = Path(folder) / name
            kinds = {".py", ".yml", ".toml", ".txt", ".cfg", ".sh"}
            if path.suffix in kinds and url in path.read_text(errors="ignore"):
                hits.append(path.relative_to(ROOT).as_posix())
    assert hits == ["_config.yml"]


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_chapter_has_a_summary_and_exercises_with_hidden_solutions(source: Path):
    text = source.read_text()
    assert re.search(r"^\(ch-[\w-]+\)=\n# ", text, re.M), f"{source.name} has no (ch-...)= label on its title"
    assert re.search(r"^## Summary", text, re.M), f"{source.name} has no Summary section"
    exercises = re.findall(r"^:::\{exercise\}\n:label: ([\w-]+)", text, re.M)
    solutions = re.findall(r"^:::\{solution\} ([\w-]+)\n:class: dropdown", text, re.M)
    assert len(exercises) >= 2, f"{source.name} has fewer than two exercises"
    assert sorted(solutions) == sorted(exercises), f"{source.name}: every exercise needs one hidden solution"


def test_package_version_matches_pyproject():
    import yann

    assert "v" + yann.__version__ == colab_cell.release_tag()
