"""Sync: following a publication's feeds, sitemaps and folders, so that what is published becomes
searchable and what is unpublished disappears with nobody acting.

`sync_service` polls the configured sources (on schedule for the worker's periodic task, all at
once for `footnote sync`), applies each poll's changes in one commit and records every run;
`follow` reads one feed or sitemap for one poll; `planning` holds the rules of what to fetch,
probe and delete; `sitemap` parses sitemaps; `runs` what a poll found and how runs are reported.

May import `indexer.index`, `indexer.ingest`, the ports, the model, the errors and the config;
never an adapter (the Fetcher and the SyncStateStore are ports, wired in `indexer.bootstrap`).
"""
