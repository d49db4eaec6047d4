"""Shared pieces of the tests: the markers of the slow, whole-book tests (Colab-like, browser,
JupyterLab), helpers for child processes, and a plugin that makes nbval prove each chapter's check
cell can fail.

The slow tests are marked, so a quick local run can leave them out:
``pytest -m "not colab and not browser and not lab"``.

The plugin is registered whenever this file is loaded, which ``pytest`` and ``make test`` do (tests/
is in testpaths); ``pytest chapters/NN_x.ipynb`` alone does not load it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def _add_markers(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "colab: runs a chapter as Colab would (fresh environment, install cell); slow"
    )
    config.addinivalue_line(
        "markers", "browser: builds the book and checks every page in headless Chromium; slow"
    )
    config.addinivalue_line(
        "markers", "lab: starts a JupyterLab server on a free localhost port (make lab's route)"
    )


def chapter_notebooks() -> list[Path]:
    """The recorded chapters, in book order."""
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would leak the project's virtual
    environment or Python path into a child process, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "IPYTHONDIR"}
        and not key.startswith(("JUPYTER_", "YANN_", "PIP_"))
    }
    venv_bin = str(ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# -- check cells must bite --------------------------------------------------------------------
#
# nbval re-runs every chapter and compares its outputs; a check cell passes there as long as its
# assertions hold. That proves nothing if the assertions could not fail (a tolerance wider than the
# numbers, a value compared with itself after a rename...). So, right after nbval has run a cell
# tagged ``check`` and it passed, the same kernel runs that cell twice more:
#
# 1. with numpy.testing.assert_allclose wrapped: each call runs as written, then once more with its
#    expected value moved by 10 % plus 0.1, which must raise an AssertionError (every call, with its
#    own arguments and tolerances, can fail);
# 2. with every expected value moved: the cell as a whole must end in an AssertionError (no failure
#    is swallowed on its way out).
#
# The re-runs assign into a copy of the kernel's namespace and their printing is discarded, so the
# cells nbval runs next see the state the check cell left (objects the cell changes in place are
# the exception: a check cell should only read).

CHECK_TAG = "check"

BITE_PROBE = r'''
def _yann_bite(source):
    import contextlib, io, json
    import numpy as np
    import numpy.testing as npt

    shell = get_ipython()
    ns = shell.user_ns
    real = npt.assert_allclose
    state = {"calls": 0, "perturb": False, "missed": []}

    def perturbed(desired):
        d = np.asarray(desired, dtype=float)
        return d + 0.1 + 0.1 * np.abs(d)

    def patched(actual, desired, *args, **kwargs):
        state["calls"] += 1
        if state["perturb"]:
            return real(actual, perturbed(desired), *args, **kwargs)
        real(actual, desired, *args, **kwargs)
        try:
            real(actual, perturbed(desired), *args, **kwargs)
        except AssertionError:
            return None
        except Exception as error:
            state["missed"].append([state["calls"], f"{type(error).__name__}: {str(error)[:200]}"])
        else:
            state["missed"].append([state["calls"], "passed"])

    code = compile(shell.transform_cell(source), "<check cell>", "exec")

    def run(perturb):
        # The cell runs in a copy of the namespace: what it assigns (a counter reset to 0 before a
        # perturbed assert stops the cell) never reaches the cells nbval runs next. The names are
        # patched in the real namespace too, for functions defined there that call assert_allclose.
        state.update(calls=0, perturb=perturb)
        names = [k for k, v in ns.items() if v is real]
        scratch = dict(ns)
        npt.assert_allclose = patched
        for k in names:
            ns[k] = scratch[k] = patched
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(code, scratch)
            return "passed"
        except AssertionError:
            return "AssertionError"
        except Exception as error:
            return f"{type(error).__name__}: {str(error)[:200]}"
        finally:
            npt.assert_allclose = real
            for k in names:
                ns[k] = real

    first = run(False)
    calls = state["calls"]
    every = run(True) if first == "passed" and calls else None
    return json.dumps({"calls": calls, "first": first, "missed": state["missed"], "every": every})
'''


def _kernel_evaluates(kernel, code: str, expression: str, timeout: float = 300) -> str:
    """Run ``code`` in nbval's kernel, then return the value of ``expression`` (a str)."""
    import ast

    msg_id = kernel.kc.execute(
        code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False,
        user_expressions={"result": expression},
    )
    while True:
        reply = kernel.get_message(stream="shell", timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    kernel.await_idle(msg_id, timeout)  # drain this request's outputs before nbval goes on
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"the bite probe failed: {content.get('ename')}: {content.get('evalue')}")
    result = content["user_expressions"]["result"]
    if result["status"] != "ok":
        raise RuntimeError(f"the bite probe failed: {result.get('ename')}: {result.get('evalue')}")
    return ast.literal_eval(result["data"]["text/plain"])


def check_cell_bites(kernel, source: str) -> dict:
    """Re-run a check cell in ``kernel`` with each assert_allclose call perturbed in turn."""
    import json

    code = BITE_PROBE + f"\n_yann_bite_result = _yann_bite({source!r})\ndel _yann_bite\n"
    report = json.loads(_kernel_evaluates(kernel, code, "_yann_bite_result"))
    _kernel_evaluates(kernel, "del _yann_bite_result", "''")
    return report


def bite_failures(report: dict) -> list[str]:
    """What is wrong with a check cell, from ``check_cell_bites``'s report (empty: it bites)."""
    if report["first"] != "passed":
        return [f"re-run unchanged, the check cell did not pass ({report['first']})"]
    if report["calls"] == 0:
        return ["the check cell calls numpy.testing.assert_allclose nowhere"]
    failures = [
        f"assert_allclose call {k} of {report['calls']} did not fail with its expected value moved by "
        f"10 % + 0.1 ({outcome})"
        for k, outcome in report["missed"]
    ]
    if report["every"] != "AssertionError":
        failures.append(f"with every expected value moved, the cell ended in: {report['every']}")
    return failures


class CheckCellsBite:
    """A pytest plugin: after nbval passes a ``check`` cell, prove that its asserts can fail."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        result = yield
        cell = getattr(item, "cell", None)
        kernel = getattr(getattr(item, "parent", None), "kernel", None)
        if cell is None or kernel is None or CHECK_TAG not in cell.get("metadata", {}).get("tags", []):
            return result
        from nbval.plugin import NbCellError

        failures = bite_failures(check_cell_bites(kernel, cell.source))
        if failures:
            raise NbCellError(item.cell_num, "the check cell does not bite:\n" + "\n".join(failures), cell.source)
        return result


def pytest_configure(config: pytest.Config) -> None:
    _add_markers(config)
    if config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False):
        config.pluginmanager.register(CheckCellsBite(), "yann-check-cells-bite")


# -- the longest files first --------------------------------------------------------------------
# A parallel run lasts as long as its busiest worker. pytest-xdist hands out whole files
# (--dist loadfile) in collection order (with --no-loadscope-reorder, set in pyproject.toml), so
# the files that take longest are collected first: the browser test, then the tests that start
# other processes, then the chapters. A file's own tests keep their order.
LONGEST_FIRST = ["tests/test_browser.py", "tests/test_colab_like.py", "tests/test_glue_roles.py",
                 "tests/test_pipeline.py", "tests/test_lab.py", "chapters/"]


def _rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::")[0]
    return next((i for i, head in enumerate(LONGEST_FIRST) if path.startswith(head)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)
