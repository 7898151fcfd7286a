"""`footnote bench`: indexing, incremental, query, ANN, memory and peer measurements.

Everything runs through the configured Settings (embedding backend, ANN threshold, caches), so
the harness measures whatever is configured and records that configuration in its report.
"""
