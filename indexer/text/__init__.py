"""Text: pure functions over article text. Markdown blocks and sections with their anchors
(`markdown_blocks`), token-bounded chunks with offsets and heading paths (`chunking`), the
terms the keyword index and answerability read (`lexical_tokens`), highlighting of a
query's words in a passage (`highlighting`), and the Unicode check every loader shares
(`unicode`).

No I/O and no state. The bottom layer of the core: may import `indexer.model`,
`indexer.ports`, `indexer.errors` and libraries (markdown-it-py, PyStemmer); nothing else.
"""
