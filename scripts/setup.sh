#!/usr/bin/env bash
# Create .venv with Python 3.12 and install bayes_beta with its test and docs extras.
# Finds pyenv's 3.12 even when pyenv's default is another version.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python312() {
    local root="${PYENV_ROOT:-$HOME/.pyenv}" candidate
    for candidate in "$root"/versions/3.12*/bin/python3.12; do
        [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
    for candidate in python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            PYENV_VERSION=3.12.1 "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
            echo "$(PYENV_VERSION=3.12.1 "$candidate" -c 'import sys; print(sys.executable)')"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then
    PY=$(find_python312) || {
        echo "ERROR: no Python 3.12 found (looked in ${PYENV_ROOT:-$HOME/.pyenv}/versions/3.12*/ and on PATH)." >&2
        echo "Install one, e.g. 'pyenv install 3.12', then run this again." >&2
        exit 1
    }
    echo "Using $PY"
    rm -rf .venv
    "$PY" -m venv .venv
fi
# uv (from PyPI) resolves and installs the ~150 packages in about 20 s where pip takes about
# 2 minutes; pip remains the fallback when uv cannot be had.
if .venv/bin/python -m pip install --quiet --disable-pip-version-check uv 2>/dev/null &&
    .venv/bin/python -m uv pip install --python .venv/bin/python --quiet -e ".[test,docs]"; then
    :
else
    echo "uv unavailable; installing with pip (slower)" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[test,docs]"
fi
.venv/bin/python -m ipykernel install --user --name python3 >/dev/null 2>&1 || true
echo "bayes_beta installed in .venv ($(.venv/bin/python --version))"
