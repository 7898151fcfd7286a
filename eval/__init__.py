"""Retrieval evaluation: scripts over the service layer that measure how well search ranks.

`footnote eval retrieval` indexes a BEIR folder or a publication with its labelled questions
through the real pipeline, runs every query in every mode and scores the rankings with ranx;
`footnote eval gate` compares such a report with a stored baseline.
"""
