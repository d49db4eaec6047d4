"""The Colab install cell every chapter starts with, derived from _config.yml and pyproject.toml.

On Colab a chapter runs alone, without this repository, so its first code cell installs yann from
the repository (url: `repository.url` in _config.yml) at the release tag `v<version>` (version:
pyproject.toml). Outside Colab the cell does nothing. The environment variable YANN_INSTALL_FROM
redirects the install, so the Colab-like test can install yann from a local checkout. The cell is
tagged ``remove-cell`` (hidden in the book) and its lines are at most 80 characters long.

    python tools/colab_cell.py chapters/*.md   # rewrite the cell in these chapters if it is stale
    python tools/colab_cell.py --check chapters/*.md   # exit 1 if any chapter's cell is stale
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab: install this course's helper package"
# The cell is hidden in the book (it teaches nothing there); Colab still shows and runs it.
TAGS = "remove-cell"
HEADER = "```{code-cell} ipython3\n" + f":tags: [{TAGS}]\n\n"
# The install cell as written by any version of this tool: with or without option lines
# (``:tags: [...]``) and the blank line after them.
CELL_PATTERN = re.compile(
    r"```\{code-cell\} ipython3\n(?::[^\n]*\n)*\n?" + re.escape(MARKER) + r".*?\n```\n", re.S
)


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """`repository.url` from _config.yml (read by pattern, so no YAML library is needed)."""
    match = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", config.read_text(), re.M)
    if not match:
        raise ValueError(f"{config.name} has no repository.url")
    return match.group(1).strip("\"'")


def release_tag(pyproject: Path = ROOT / "pyproject.toml") -> str:
    return "v" + tomllib.loads(pyproject.read_text())["project"]["version"]


def install_cell_source() -> str:
    """The source of the install cell, exactly as it appears in every chapter (lines of at most
    80 characters, like every code line of the book)."""
    source = f"git+{repository_url()}@{release_tag()}"
    return (
        f"{MARKER}\n"
        "# (elsewhere, `make test` has installed it).\n"
        "import os\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f'YANN = "{source}"\n'
        'if "google.colab" in sys.modules or "YANN_INSTALL_FROM" in os.environ:\n'
        '    source = os.environ.get("YANN_INSTALL_FROM", YANN)\n'
        '    pip = [sys.executable, "-m", "pip", "install", "--quiet"]\n'
        "    subprocess.run([*pip, source], check=True)"
    )


def install_cell() -> str:
    """The whole install cell in a chapter's MyST source, its tag included."""
    return HEADER + install_cell_source() + "\n```\n"


def rewrite(chapter: Path) -> bool:
    """Put the current install cell into ``chapter``; return True if the file changed."""
    text = chapter.read_text()
    cell = install_cell()
    if not CELL_PATTERN.search(text):
        raise ValueError(f"{chapter} has no install cell starting with {MARKER!r}")
    new = CELL_PATTERN.sub(lambda _: cell, text, count=1)
    if new != text:
        chapter.write_text(new)
    return new != text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    stale = []
    for path in paths:
        if check:
            text = path.read_text()
            if install_cell() not in text:
                stale.append(path)
        elif rewrite(path):
            print(f"updated the install cell of {path}")
    for path in stale:
        print(f"{path}: install cell differs from _config.yml/pyproject.toml; run make notebooks")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
