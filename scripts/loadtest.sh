#!/usr/bin/env bash
# The full load test: 20 readers for 2 minutes against a real `footnote serve` on the sample.
# Options go to `python -m loadtest` (see --help), e.g. --duration 30 --users 5.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m loadtest "$@"
