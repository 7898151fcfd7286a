"""Search: a reader's query to ranked articles with their best passages.

`search_service` validates the query, ranks dense (FAISS) and keyword (BM25) candidates on the
current snapshot, fuses them, filters, groups by article and pages; `fusion` holds the ranking
arithmetic; `date_intent` reads "latest ..." or a year out of a query; `query_cache` keeps
query embeddings (per process, and shared through a SharedVectorCache port when configured).

May import `indexer.index` (the snapshot reader), `indexer.text`, ports, model and errors.
"""
