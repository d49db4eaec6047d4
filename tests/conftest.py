"""Shared pieces of the slow, whole-book tests (the Colab-like test and the browser test).

Both are marked, so a quick local run can leave them out: ``pytest -m "not colab and not browser"``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "colab: runs a chapter as Colab would (fresh environment, install cell); slow"
    )
    config.addinivalue_line(
        "markers", "browser: builds the book and checks every page in headless Chromium; slow"
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
