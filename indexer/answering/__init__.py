"""Answering, piece by piece: the prompt within a token budget (`prompt`), the model's reply
guarded against the abstain sentinel and prompt echoes (`guard`) with its citations checked
(`citations`, both combined in `reply`), quoted answers without a model (`extractive`), and
retrieval confidence with its tuned threshold (`confidence`, `calibration`).
`indexer.answering.answer_service.AnswerService` puts them together."""
