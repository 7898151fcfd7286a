"""The index on disk and how it changes: immutable snapshot generations (`snapshots`), the Unit
of Work that commits vectors, keyword index and metadata together (`unit_of_work`), readers
that follow the current generation (`snapshot_reader`), the consistency check (`consistency`)
and `indexing_service.IndexingService`, which makes the index match a source.

Sits above `indexer.ingest` and `indexer.text`; reaches storage only through `indexer.ports`.
"""
