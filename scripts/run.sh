#!/usr/bin/env bash
# The main job on a fresh machine: install, index the bundled sample articles, serve the API
# and the search page on http://127.0.0.1:8000 (FOOTNOTE_PORT / FOOTNOTE_HOST to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/footnote index examples/articles || status=$?
if [ "${status:-0}" -gt 1 ]; then exit "$status"; fi
exec .venv/bin/footnote serve --host "${FOOTNOTE_HOST:-127.0.0.1}" --port "${FOOTNOTE_PORT:-8000}"
