"""The execution report page is generated from the recorded notebooks and is current."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import execution_report  # noqa: E402


def test_committed_page_is_current():
    page = ROOT / "execution_report.md"
    assert page.exists(), "execution_report.md is missing: run make notebooks"
    committed = page.read_text(encoding="utf-8").splitlines()
    current = execution_report.current_page().splitlines()
    if committed != current:
        changed = [line for line in current if line not in committed]
        pytest.fail(
            "execution_report.md is stale: run make notebooks (or python tools/execution_report.py)."
            " Rows that would change:\n" + "\n".join(changed),
            pytrace=False,
        )


def test_page_lists_every_recorded_chapter():
    page = (ROOT / "execution_report.md").read_text(encoding="utf-8")
    for notebook in execution_report.chapter_notebooks():
        assert f"{{doc}}`chapters/{notebook.stem}`" in page


def _cell(count, start=None, end=None, outputs=()):
    metadata = {}
    if start is not None:
        metadata["execution"] = {
            "iopub.status.busy": f"2026-01-02T10:00:{start:09.6f}Z",
            "iopub.execute_input": f"2026-01-02T10:00:{start:09.6f}Z",
            "shell.execute_reply": f"2026-01-02T10:00:{end:09.6f}Z",
            "iopub.status.idle": f"2026-01-02T10:00:{end:09.6f}Z",
        }
    return {"cell_type": "code", "execution_count": count, "metadata": metadata,
            "outputs": list(outputs), "source": ""}


def _write(tmp_path: Path, cells) -> Path:
    path = tmp_path / "chapters" / "07_example.ipynb"
    path.parent.mkdir(exist_ok=True)
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}, *cells],
                "metadata": {"language_info": {"version": "3.11.7"}}, "nbformat": 4,
                "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


def test_run_time_is_first_start_to_last_end_and_slowest_cell_is_found(tmp_path):
    path = _write(tmp_path, [_cell(1, 1.0, 1.5), _cell(2, 1.6, 4.1), _cell(3, 4.2, 4.3)])
    run = execution_report.read_run(path, tmp_path)
    assert run.docname == "chapters/07_example"
    assert run.code_cells == 3 and run.executed == "2026-01-02" and run.python == "3.11.7"
    assert run.run_time_s == pytest.approx(3.3)
    assert run.slowest[0] == 2 and run.slowest[1] == pytest.approx(2.5)
    assert run.status == "ok"
    page = execution_report.render([run])
    assert "| {doc}`chapters/07_example` | 3 | 2026-01-02 | 3.11.7 | 3.3 s | 2.5 s (cell 2) | ✔ ok |" in page


@pytest.mark.parametrize(
    ("cells", "status"),
    [
        ([_cell(1, 1, 2), _cell(2, 2, 3, [{"output_type": "error"}])], "error in code cell 2"),
        ([_cell(1, 1, 2), _cell(None)], "code cell 2 never ran"),
        ([_cell(2, 1, 2), _cell(1, 2, 3)], "not run top to bottom"),
        ([_cell(1, 1, 2), _cell(2)], "no timing recorded"),
    ],
)
def test_a_bad_recording_is_reported(tmp_path, cells, status):
    run = execution_report.read_run(_write(tmp_path, cells), tmp_path)
    assert run.status == status
    assert f"✘ {status}" in execution_report.render([run])
    assert "✘ 1 not ok" in execution_report.render([run])
