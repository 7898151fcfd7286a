#!/usr/bin/env bash
# Creates .venv and installs Footnote into it. Idempotent: a second run with an unchanged
# pyproject.toml installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
  done
fi
if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Footnote needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($python --version)"
  "$python" -m venv .venv
fi

stamp=.venv/.footnote-installed
# axe-core for the browser accessibility tests (tests/e2e/axe.py); they skip without npm.
if command -v npm >/dev/null 2>&1 && [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/e2e --no-audit --no-fund --silent
fi

want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "setup: installing packages into .venv (first run takes a few minutes)"
.venv/bin/python -m pip install --quiet --upgrade pip
# CPU torch first: otherwise sentence-transformers pulls a multi-GB CUDA build. Where the
# default index serves CUDA builds, point FOOTNOTE_TORCH_INDEX_URL at a CPU wheel index.
torch_args=(torch==2.13.0)
if [ -n "${FOOTNOTE_TORCH_INDEX_URL:-}" ]; then
  torch_args+=(--index-url "$FOOTNOTE_TORCH_INDEX_URL")
fi
.venv/bin/python -m pip install --quiet "${torch_args[@]}"
.venv/bin/python -m pip install --quiet -e '.[dev,bench,llm-test]'
echo "$want" > "$stamp"
echo "setup: done"
