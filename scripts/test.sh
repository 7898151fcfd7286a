#!/usr/bin/env bash
# The test command: installs what is missing, then lint, type checks and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy
echo "== import-linter"
.venv/bin/lint-imports
echo "== pytest"
.venv/bin/python -m pytest "$@"
if [ "$#" -eq 0 ]; then
  # Search must not get worse unnoticed, on any collection: score the sample publication and the
  # classic collections (../shared/datasets/classic; skipped with a message where absent, an
  # error under CI=true), compare every set and mode to the baseline.
  echo "== retrieval gate"
  .venv/bin/footnote eval retrieval --sample --classic --out eval-results/retrieval.json
  .venv/bin/footnote eval gate --baseline eval/baselines/retrieval.json --current eval-results/retrieval.json
fi
