"""Guards of the notebook pipeline: each chapter's .md source and its executed .ipynb twin agree,
every cell was run, no stored output holds noise that nbval would trip on, and the Colab install
cell matches the repository url in _config.yml."""

from __future__ import annotations

import json
import re
import sys
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
    "a kernel temp path": re.compile(r"ipykernel_\d+|/tmp/"),
    "a framework repr": re.compile(r"grad_fn=<|<tf\.Variable|<KerasVariable"),
    "a file path of this machine": re.compile(r"site-packages|/work/|/root/|/home/"),
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


@pytest.mark.parametrize("source", SOURCES, ids=_name)
def test_tensorflow_is_imported_through_yann(source: Path):
    code = "\n".join(c.source for c in _code_cells(jupytext.read(source)))
    if re.search(r"^\s*(import tensorflow|from tensorflow|import keras|from keras)", code, re.M):
        first_tf = re.search(r"^\s*(import tensorflow|from tensorflow|import keras|from keras)", code, re.M)
        env = code.find("yann.tf_env")
        assert 0 <= env < first_tf.start(), f"{source.name} imports TensorFlow before yann.tf_env"


def test_repository_url_is_written_once():
    url = colab_cell.repository_url()
    hits = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".yml", ".toml", ".txt", ".cfg"}
        and not {".venv", "_build", ".git"} & set(path.relative_to(ROOT).parts)
        and url in path.read_text(errors="ignore")
    ]
    assert hits == ["_config.yml"]
