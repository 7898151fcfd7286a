"""Text: pure functions over article text. Markdown blocks and sections with their anchors
(`markdown_blocks`), token-bounded chunks with offsets and heading paths (`chunking`), the
terms the keyword index and answerability read (`lexical_tokens`), and highlighting of a
query's words in a passage (`highlighting`).

No I/O and no state. May import `indexer.model`, `indexer.ports`, `indexer.errors` and
libraries (markdown-it-py, PyStemmer); nothing else of the core.
"""
