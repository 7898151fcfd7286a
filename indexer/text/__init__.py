"""Text, pure functions over strings: Markdown blocks with offsets (`markdown_blocks`),
heading-aware token-bounded chunks (`chunking`), the keyword side's tokens (`lexical_tokens`),
query-term highlighting (`highlighting`) and the Unicode check every loader shares (`unicode`).

The bottom layer of the core: imports only `indexer.model`, `indexer.errors` and `indexer.ports`.
"""
