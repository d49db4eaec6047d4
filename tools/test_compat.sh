#!/usr/bin/env bash
# Run nbval over every chapter in a second environment that holds the releases a reader meets on
# Colab: Python 3.12 and the frameworks of requirements-compat.txt, otherwise the tested set
# (requirements.txt).
#
#   tools/test_compat.sh [extra pytest arguments]
#
# The environment lives in .venv-compat (override with COMPAT_VENV) and is created when it is
# missing or holds another Python; it is brought up to date whenever requirements.txt,
# requirements-book.txt, requirements-compat.txt or pyproject.toml is newer than the last install.
# The interpreter is COMPAT_PYTHON if set, else python3.12 on PATH, else pyenv's 3.12; with none of
# them the script says so and exits 0 (skipped).
#
# A pin in requirements-compat.txt replaces the pin of the same name in requirements.txt (pip
# refuses two pins of one name, so the replaced lines are left out of a filtered copy of
# requirements.txt written into the environment's folder).
set -euo pipefail

cd "$(dirname "$0")/.."
WANT=3.12
VENV=${COMPAT_VENV:-.venv-compat}
STAMP="$VENV/.compat-installed"

is_wanted() {  # is $1 a Python $WANT that runs?
  [ -n "$1" ] && "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$WANT'.split('.'))))" 2>/dev/null
}

PYTHON=${COMPAT_PYTHON:-}
if [ -z "$PYTHON" ]; then
  candidates=("$(command -v "python$WANT" || true)")
  if command -v pyenv >/dev/null; then
    candidates+=("$(pyenv root)"/versions/"$WANT"*/bin/python"$WANT")
  fi
  for candidate in "${candidates[@]}"; do
    if is_wanted "$candidate"; then PYTHON=$candidate; break; fi
  done
fi
if ! is_wanted "$PYTHON"; then
  echo "test-compat: skipped: no Python $WANT found (set COMPAT_PYTHON, put python$WANT on PATH," \
    "or install it with pyenv)"
  exit 0
fi

if [ -x "$VENV/bin/python" ] && ! is_wanted "$VENV/bin/python"; then
  echo "test-compat: $VENV holds another Python; making it again with $PYTHON"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  # Keep git from ever listing the environment, whatever the top-level .gitignore says.
  echo '*' > "$VENV/.gitignore"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

needs_install=0
if [ ! -e "$STAMP" ]; then
  needs_install=1
else
  for file in requirements.txt requirements-book.txt requirements-compat.txt pyproject.toml; do
    if [ "$file" -nt "$STAMP" ]; then needs_install=1; fi
  done
fi

if [ "$needs_install" = 1 ]; then
  # Names pinned in requirements-compat.txt, as an alternation for grep: torch|keras|...
  replaced=$(sed -nE 's/^([A-Za-z0-9_.-]+)[[:space:]]*==.*/\1/p' requirements-compat.txt | paste -sd'|' -)
  if [ -z "$replaced" ]; then
    echo "requirements-compat.txt pins nothing: no other releases to test" >&2
    exit 2
  fi
  # The filtered copy lives in the environment's folder: its "-r other-file" lines are made
  # absolute, since pip reads them relative to the file that names them.
  grep -vE "^(${replaced})[[:space:]]*==" requirements.txt \
    | sed -E "s#^(-r|--requirement)[[:space:]]+#\\1 $PWD/#" > "$VENV/requirements-release.txt"
  "$VENV/bin/python" -m pip install --quiet \
    -r "$VENV/requirements-release.txt" -r requirements-compat.txt -e .
  touch "$STAMP"
fi

echo "test-compat: $("$VENV/bin/python" - <<'EOF'
from importlib.metadata import version
import sys
names = ["torch", "keras", "tensorflow-cpu", "tensorflow", "numpy", "sympy", "matplotlib"]
found = [f"Python {sys.version.split()[0]}"]
for name in names:
    try:
        found.append(f"{name} {version(name)}")
    except Exception:
        pass
print(", ".join(found))
EOF
)"

# The same nbval settings as `make test` (pyproject.toml's addopts), written out so that this run
# does not depend on them, over the chapters only. A kernel that crashes leaves nbval waiting for
# its reply: the cell timeout (the slowest cell takes under 20 s) turns that into a failure.
exec "$VENV/bin/python" -m pytest -o addopts="" -p no:cacheprovider -q \
  -n auto --dist loadfile \
  --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=120 \
  "$@" chapters/
