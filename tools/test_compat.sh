#!/usr/bin/env bash
# Run nbval over every chapter in a second environment that holds other releases of the
# frameworks (requirements-compat.txt) and otherwise the tested set (requirements.txt).
#
#   tools/test_compat.sh [extra pytest arguments]
#
# The environment lives in .venv-compat (override with COMPAT_VENV) and is created when it is
# missing; it is brought up to date whenever requirements.txt, requirements-book.txt,
# requirements-compat.txt or pyproject.toml is newer than the last install. PYTHON picks the
# interpreter that creates it (default python3).
#
# A pin in requirements-compat.txt replaces the pin of the same name in requirements.txt (pip
# refuses two pins of one name, so the replaced lines are left out of a filtered copy of
# requirements.txt written into the environment's folder).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${COMPAT_VENV:-.venv-compat}
STAMP="$VENV/.compat-installed"

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
names = ["torch", "keras", "tensorflow-cpu", "numpy", "sympy", "matplotlib"]
found = []
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
