"""Guards of the notebook pipeline: each chapter's .md source and its executed .ipynb twin agree,
every cell was run, no stored output holds noise that nbval would trip on, and the Colab install
cell matches the repository url in _config.yml."""

from __future__ import annotations

import ast
import json
import os
import re
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


def test_there_are_chapters():
    assert len(SOURCES) >= 2


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


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_chapter_checks_its_numbers(source: Path):
    code = "\n".join(c.source for c in _code_cells(jupytext.read(source)))
    assert "assert_allclose(" in code, f"{source.name} has no assert_allclose check cell"


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
            if path.suffix in {".py", ".yml", ".toml", ".txt", ".cfg", ".sh"} and url in path.read_text(errors="ignore"):
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
