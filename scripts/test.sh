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
  # Search must not get worse unnoticed: score the sample publication, compare to the baseline.
  echo "== retrieval gate"
  .venv/bin/footnote eval retrieval --sample --out eval-results/sample.json
  .venv/bin/footnote eval gate --baseline eval/baselines/sample.json --current eval-results/sample.json
fi
