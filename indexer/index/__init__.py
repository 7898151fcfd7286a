"""The index: building it and reading it safely.

`indexing_service` makes the index match a source or one article (chunk, embed outside the
lock, commit); `unit_of_work` commits vectors, keyword index and metadata together inside the
one writer lock; `snapshots` writes and verifies immutable, checksummed snapshot generations;
`snapshot_reader` keeps the loaded snapshot (with `chunk_owners`, which article each chunk
belongs to) and switches to a newer one when it is committed;
`consistency` checks that the three agree (`footnote check`).

Depends on ports only (MetadataStore, VectorIndex, LexicalIndex, Embedder, Tokenizer) and on
`indexer.text` and `indexer.ingest`; never on an adapter, search or answering.
"""
