#!/usr/bin/env bash
# The main job on a fresh machine: install, index the bundled sample articles, then search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/footnote index examples/articles
if [ "$#" -gt 0 ]; then
  exec .venv/bin/footnote search "$*"
fi
exec .venv/bin/footnote search
