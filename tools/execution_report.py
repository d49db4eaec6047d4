"""Write the book's execution report page from the recorded chapter notebooks.

When `make notebooks` executes a chapter, the notebook executor stores per-cell timestamps in each
code cell's ``metadata.execution`` (``iopub.status.busy``, ``iopub.execute_input``,
``shell.execute_reply``, ``iopub.status.idle``). This script reads them from chapters/*.ipynb and
writes execution_report.md: for every chapter, when it was executed, its run time, its slowest
cell and its status. Only the standard library is used.

    python tools/execution_report.py           # rewrite execution_report.md
    python tools/execution_report.py --check   # exit 1 if execution_report.md is stale
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "execution_report.md"

HEADER = """\
(execution-report)=
# Execution report

Every output in this book was recorded when its chapter was last executed top to bottom with
`make notebooks`; the test suite then re-executes each chapter and compares every output with the
recorded one. This table is generated from the timing the notebook executor stored in each recorded
notebook (by `tools/execution_report.py`; do not edit it by hand). Run times are those of the
machine that recorded the chapter, without the time to start the kernel.

"""

COLUMNS = ["Chapter", "Code cells", "Executed (UTC)", "Python", "Run time", "Slowest cell", "Status"]


@dataclass(frozen=True)
class ChapterRun:
    """What one recorded notebook says about its last execution."""

    docname: str  # e.g. chapters/01_network
    code_cells: int
    executed: str  # the UTC date of the first cell, or "" if no timing was recorded
    python: str
    run_time_s: float | None  # first cell started to last cell finished
    slowest: tuple[int, float] | None  # (1-based code cell number, seconds)
    status: str


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _cell_span(timing: dict) -> tuple[datetime, datetime] | None:
    """When a cell started and finished, from the executor's timestamps."""
    start = timing.get("iopub.execute_input") or timing.get("iopub.status.busy")
    end = timing.get("shell.execute_reply") or timing.get("iopub.status.idle")
    if not (start and end):
        return None
    return _time(start), _time(end)


def read_run(path: Path, root: Path = ROOT) -> ChapterRun:
    """Summarise the recorded execution of the notebook at ``path``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    counts = [cell.get("execution_count") for cell in cells]
    errors = [
        number
        for number, cell in enumerate(cells, start=1)
        if any(output.get("output_type") == "error" for output in cell.get("outputs", []))
    ]
    spans = [_cell_span(cell.get("metadata", {}).get("execution", {})) for cell in cells]

    if errors:
        status = f"error in code cell {errors[0]}"
    elif None in counts:
        status = f"code cell {counts.index(None) + 1} never ran"
    elif counts != list(range(1, len(counts) + 1)):
        status = "not run top to bottom"
    elif cells and None in spans:
        status = "no timing recorded"
    else:
        status = "ok"

    timed = [(number, span) for number, span in enumerate(spans, start=1) if span is not None]
    if timed:
        start = min(span[0] for _, span in timed)
        end = max(span[1] for _, span in timed)
        durations = [(number, (span[1] - span[0]).total_seconds()) for number, span in timed]
        slowest = max(durations, key=lambda item: item[1])
        run_time = (end - start).total_seconds()
        executed = start.strftime("%Y-%m-%d")
    else:
        slowest, run_time, executed = None, None, ""

    return ChapterRun(
        docname=path.relative_to(root).with_suffix("").as_posix(),
        code_cells=len(cells),
        executed=executed,
        python=notebook.get("metadata", {}).get("language_info", {}).get("version", ""),
        run_time_s=run_time,
        slowest=slowest,
        status=status,
    )


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} s"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(runs: list[ChapterRun]) -> str:
    """The Markdown page for ``runs``."""
    lines = [HEADER.rstrip("\n"), "", _row(COLUMNS), "|---|--:|---|---|--:|--:|---|"]
    for run in runs:
        slowest = "" if run.slowest is None else f"{run.slowest[1]:.1f} s (cell {run.slowest[0]})"
        status = "✔ ok" if run.status == "ok" else f"✘ {run.status}"
        lines.append(_row([
            f"{{doc}}`{run.docname}`", str(run.code_cells), run.executed, run.python,
            _seconds(run.run_time_s), slowest, status,
        ]))
    total = sum(run.run_time_s or 0.0 for run in runs)
    failing = sum(run.status != "ok" for run in runs)
    lines.append(_row([
        "**All chapters**", str(sum(run.code_cells for run in runs)), "", "",
        _seconds(total), "", "✔ all ok" if failing == 0 else f"✘ {failing} not ok",
    ]))
    return "\n".join(lines) + "\n"


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb"))


def current_page(root: Path = ROOT) -> str:
    return render([read_run(path, root) for path in chapter_notebooks(root)])


def main(argv: list[str]) -> int:
    page = current_page()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != page:
            print(f"{PAGE.name} is stale: run `make notebooks` (or python tools/execution_report.py)")
            return 1
        return 0
    if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != page:
        PAGE.write_text(page, encoding="utf-8")
        print(f"wrote {PAGE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
