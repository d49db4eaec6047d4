"""`make lab` starts JupyterLab on the checkout, and the chapters open there as notebooks.

The test runs `make lab` itself, on a free localhost port with a token of its own, asks the
server's contents API for chapters/ and for one chapter's .md source, then shuts the server down.
It is marked ``lab`` (deselect with ``-m "not lab"``); `make test` installs JupyterLab
(requirements-lab.txt) first, so there it always runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, clean_environment

pytestmark = pytest.mark.lab

START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A `make lab` server on a free port; ``get`` asks its REST API."""

    def __init__(self, tmp_path: Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        args = " ".join([
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
        ])
        venv = ROOT / ".venv"
        self.log = tmp_path / "lab.log"
        env = clean_environment(
            JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), IPYTHONDIR=str(tmp_path / "ipython")
        )
        # -o: treat the install stamps as up to date, so the test never installs anything.
        command = ["make", "-s", "-o", f"{venv}/.test-installed", "-o", f"{venv}/.lab-installed",
                   "lab", f"LAB_ARGS={args}"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def get(self, path: str, timeout: float = 10):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body[:1] in (b"{", b"[") else body.decode()

    def wait_until_up(self) -> dict:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make lab exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                return self.get("/api/status", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        pytest.fail(f"make lab did not answer in {START_TIMEOUT_S} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}/api/shutdown", method="POST",
                    headers={"Authorization": f"token {self.token}"},
                )
                urllib.request.urlopen(request, timeout=5).close()
                self.process.wait(timeout=20)
            except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGTERM)  # make and the server it started
                self.process.wait(timeout=20)


@pytest.fixture
def lab(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    if importlib.util.find_spec("jupyterlab") is None:
        pytest.skip("JupyterLab is not installed: make lab (or make test) installs requirements-lab.txt")
    server = Lab(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def test_make_lab_lists_the_chapters_as_notebooks(lab):
    lab.wait_until_up()
    listing = lab.get("/api/contents/chapters?content=1")
    kinds = {item["name"]: item["type"] for item in listing["content"]}
    sources = sorted(p.name for p in (ROOT / "chapters").glob("[0-9][0-9]_*.md"))
    twins = sorted(p.name for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    assert sources and twins
    # jupytext's contents manager makes every .md chapter a notebook, like its .ipynb twin.
    assert {name: kinds.get(name) for name in sources + twins} == dict.fromkeys(sources + twins, "notebook")

    chapter = lab.get(f"/api/contents/chapters/{sources[0]}?content=1&type=notebook")
    code = [cell for cell in chapter["content"]["cells"] if cell["cell_type"] == "code"]
    assert chapter["type"] == "notebook" and code
    assert code[0]["source"].startswith("# Colab: install this course's helper package")
    # The page a browser opens is JupyterLab's, and a double click opens an .md as a notebook.
    assert "JupyterLab" in lab.get("/lab")
    settings = lab.get("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    # make lab's overrides.json becomes the schema's default; a user's own setting would win.
    viewers = settings["schema"]["properties"]["defaultViewers"].get("default", {})
    viewers = {**viewers, **settings["settings"].get("defaultViewers", {})}
    assert viewers.get("markdown") == viewers.get("myst") == "Jupytext Notebook", viewers
