"""Answering: a question to a short answer whose every claim cites a passage.

`answer_service` puts the pieces together over the search service: the evidence that the best
passages answer (`evidence`) and the fitted model that weighs it (`answerability`), the prompt
within a token budget (`prompt`), the model's reply guarded
against the abstain sentinel and prompt echoes (`guard`) with its citations checked and
renumbered (`citations`, both combined in `reply`), sentences quoted without a model
(`extractive`), finished answers cached by everything that could change them (`answer_cache`)
and their JSON form (`answer_json`), with the answer and quotes as plain text and safe HTML
(`answer_text`). Fitting the answerability model is an evaluation task
(`eval/calibration.py`).

May import `indexer.search`, `indexer.text`, ports (LLM, Embedder), model and errors.
"""
