"""Adapters: our ports implemented with real libraries: SQLite (the metadata store and the
embedded job store; every SQL statement of the index lives here), FAISS, bm25s, ONNX Runtime
and sentence-transformers embedders, the Hugging Face tokenizer, Redis (jobs and caches) and the
OpenAI client. Each translates its library's errors into `indexer.errors` (`raise ... from`).

Only the composition root (`indexer.bootstrap`) imports these; import-linter enforces it.
"""
