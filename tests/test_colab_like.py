"""Run a chapter the way Colab runs it: the .ipynb alone, in a fresh Python without yann.

For each chapter under test:

1. copy the chapter's .ipynb, and nothing else, into an empty temporary folder;
2. make a fresh virtual environment there whose site-packages sees the project environment's
   packages through a ``.pth`` line (numpy, torch, TensorFlow, Jupyter are importable, as on Colab)
   but not yann: Python processes ``.pth`` files only in site directories, not in folders a
   ``.pth`` line adds, so the project's editable-install hook for yann is never run (checked below);
3. copy yann's source (pyproject.toml, README, src/) into the temporary folder, the way ``pip``
   clones the repository on Colab, and point ``YANN_INSTALL_FROM`` at the copy, so the chapter's
   own install cell installs yann from it. The copy keeps pip's build folders out of the checkout;
   pip runs offline (no index, no build isolation: setuptools comes from the project environment);
4. execute the notebook top to bottom in a kernel of the fresh environment, plus one probe cell
   that reports where Python and yann were loaded from.

``make test`` runs this for one framework chapter (``MAKE_TEST_CHAPTERS``); ``make test-colab``
runs it for every chapter (``YANN_COLAB_CHAPTERS=all``). ``YANN_COLAB_CHAPTERS`` may also name
chapters: ``YANN_COLAB_CHAPTERS=01_network,02_forward_pass``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, chapter_notebooks, clean_environment

# The chapter `make test` runs, the first of these that exists: a framework chapter once written.
MAKE_TEST_CHAPTERS = ["06_pytorch", "02_forward_pass"]
CELL_TIMEOUT_S = 600
PROBE = "YANN-COLAB-PROBE "
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = pytest.mark.colab


def _chapters_under_test() -> list[Path]:
    available = {path.stem: path for path in chapter_notebooks()}
    wanted = os.environ.get("YANN_COLAB_CHAPTERS", "").strip()
    if wanted == "all":
        return list(available.values())
    if wanted:
        names = [name.strip().removesuffix(".ipynb") for name in wanted.split(",") if name.strip()]
        missing = [name for name in names if name not in available]
        if missing:
            raise ValueError(f"YANN_COLAB_CHAPTERS names {missing}, not in {sorted(available)}")
        return [available[name] for name in names]
    return [available[name] for name in MAKE_TEST_CHAPTERS if name in available][:1]


def _site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, env=clean_environment(),
    )
    return Path(out.stdout.strip())


def _copy_yann_source(destination: Path) -> Path:
    """What a pip install from the repository needs: pyproject.toml, the README, src/."""
    destination.mkdir()
    for name in ["pyproject.toml", "setup.cfg", "setup.py", "README.md", "LICENSE"]:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "src", destination / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"),
    )
    return destination


class ColabLike:
    """A temporary folder holding one chapter, a fresh environment and a kernel spec for it."""

    def __init__(self, base: Path, chapter: Path):
        self.base = base
        self.workdir = base / "colab"  # the folder the notebook runs in, holding only it
        self.workdir.mkdir()
        self.notebook = self.workdir / chapter.name
        shutil.copy2(chapter, self.notebook)
        self.venv = base / "venv"
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(self.venv)],
            check=True, env=clean_environment(),
        )
        self.python = self.venv / "bin" / "python"
        self.site_packages = _site_packages(self.python)
        project_site = Path(sysconfig.get_paths()["purelib"])
        (self.site_packages / "yann-colab-like.pth").write_text(f"{project_site}\n")
        # A kernel spec found first (JUPYTER_PATH), so the kernel is this environment's Python
        # whatever kernels the user has installed.
        kernels = base / "jupyter" / "kernels" / "python3"
        kernels.mkdir(parents=True)
        spec = {
            "argv": [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (Colab-like)",
            "language": "python",
        }
        (kernels / "kernel.json").write_text(json.dumps(spec))
        self.source = _copy_yann_source(base / "yann-source")
        for folder in ["runtime", "ipython", "pip-cache"]:
            (base / folder).mkdir()
        self.env = clean_environment(
            PATH=f"{self.venv / 'bin'}{os.pathsep}{clean_environment()['PATH']}",
            YANN_INSTALL_FROM=str(self.source),
            JUPYTER_PATH=str(base / "jupyter"),
            JUPYTER_RUNTIME_DIR=str(base / "runtime"),
            IPYTHONDIR=str(base / "ipython"),
            PIP_NO_INDEX="1",
            # pip reads PIP_NO_BUILD_ISOLATION inverted: "0" means --no-build-isolation.
            PIP_NO_BUILD_ISOLATION="0",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_CACHE_DIR=str(base / "pip-cache"),
        )

    def python_says(self, code: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.python), "-c", code], capture_output=True, text=True,
            env=self.env, cwd=self.workdir, check=False,
        )

    def execute(self) -> tuple[dict, str]:
        """Execute the notebook plus a probe cell; return the probe's report and the log."""
        executed = self.base / "executed.ipynb"
        runner = self.base / "run_notebook.py"
        runner.write_text(textwrap.dedent(f"""\
            import nbformat
            from nbclient import NotebookClient

            nb = nbformat.read({str(self.notebook)!r}, as_version=4)
            probe = "import json, sys, yann\\nprint({PROBE!r} + json.dumps("
            probe += "{{'prefix': sys.prefix, 'yann': yann.__file__}}))"
            nb.cells.append(nbformat.v4.new_code_cell(probe))
            client = NotebookClient(
                nb, timeout={CELL_TIMEOUT_S}, kernel_name="python3",
                resources={{"metadata": {{"path": {str(self.workdir)!r}}}}},
            )
            try:
                client.execute()
            finally:
                nbformat.write(nb, {str(executed)!r})
            """))
        result = subprocess.run(
            [str(self.python), str(runner)], capture_output=True, text=True,
            env=self.env, cwd=self.workdir, timeout=CELL_TIMEOUT_S * 4, check=False,
        )
        log = ANSI.sub("", result.stdout + result.stderr)
        if result.returncode != 0:
            pytest.fail(f"{self.notebook.name} failed in a Colab-like run:\n{log[-6000:]}", pytrace=False)
        cells = json.loads(executed.read_text())["cells"]
        texts = [
            "".join(output.get("text", ""))
            for output in cells[-1].get("outputs", [])
            if output.get("name") == "stdout"
        ]
        line = next(line for text in texts for line in text.splitlines() if line.startswith(PROBE))
        return json.loads(line[len(PROBE):]), log


def _build_leftovers() -> list[str]:
    """What a pip build of yann run in the checkout would leave at its top level."""
    return sorted(
        name for name in os.listdir(ROOT)
        if name in {"build", "dist", "yann"} or name.endswith(".egg-info")
    )


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


@pytest.fixture
def colab_like(tmp_path):
    def make(chapter: Path) -> ColabLike:
        return ColabLike(tmp_path, chapter)
    return make


def test_fresh_environment_has_the_frameworks_but_not_yann(colab_like):
    env = colab_like(chapter_notebooks()[0])
    check = env.python_says(
        "import importlib.util as u, json, sys\n"
        "print(json.dumps({'prefix': sys.prefix, 'yann': u.find_spec('yann') is not None,"
        " 'numpy': u.find_spec('numpy') is not None, 'torch': u.find_spec('torch') is not None,"
        " 'tensorflow': u.find_spec('tensorflow') is not None,"
        " 'ipykernel': u.find_spec('ipykernel') is not None}))"
    )
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout)
    assert _inside(found.pop("prefix"), env.venv)
    assert found == {"yann": False, "numpy": True, "torch": True, "tensorflow": True, "ipykernel": True}
    assert os.listdir(env.workdir) == [env.notebook.name]


@pytest.mark.parametrize("chapter", _chapters_under_test(), ids=lambda path: path.stem)
def test_chapter_runs_alone_in_a_fresh_environment(colab_like, chapter: Path):
    src_before = sorted(os.listdir(ROOT / "src"))
    root_before = _build_leftovers()
    project_site = Path(sysconfig.get_paths()["purelib"])
    project_yann = sorted(p.name for p in project_site.iterdir() if "yann" in p.name)
    env = colab_like(chapter)

    probe, _log = env.execute()

    # The notebook ran in the fresh environment and imported the yann its install cell installed.
    assert _inside(probe["prefix"], env.venv), probe
    assert _inside(probe["yann"], env.site_packages), probe
    # Nothing was written into the checkout, and the project environment's yann is untouched.
    assert _build_leftovers() == root_before
    assert sorted(os.listdir(ROOT / "src")) == src_before
    assert sorted(p.name for p in project_site.iterdir() if "yann" in p.name) == project_yann
