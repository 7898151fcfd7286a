"""What readers searched for and did not find: recording searches, questions and opened
results off the request path (`recorder`), and the reports editors read (`reports`), with
wordings of one topic grouped by meaning (`clustering`).

Imports: `indexer.ports`, `indexer.config` and the standard library (and numpy).
"""
