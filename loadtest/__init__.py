"""Load test: a real `footnote serve` under locust readers, with its memory watched.

`python -m loadtest` (or `bash scripts/loadtest.sh`) indexes the sample, starts the server,
runs locust headless in its own process against loopback only, samples the server's RSS every
second, and writes a JSON report. See `python -m loadtest --help`.
"""
