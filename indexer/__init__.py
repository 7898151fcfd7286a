"""Footnote's core: building and reading the search index."""
