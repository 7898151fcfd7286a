"""Retrieval confidence: how likely the retrieved passages are to answer the question at all.

    confidence = (best dense cosine + best term coverage) / 2, in [0, 1]

- best dense cosine: the highest cosine between the question's embedding and any passage's
  (a dense search over the same filters);
- best term coverage: over the passages that would be supplied, the largest share of the
  question's terms (`lexical_tokens`: stemmed words without stop words, identifiers whole)
  found in one passage's title, heading and text.

Measured on `examples/questions.jsonl` with the bundled model (207 answerable, 24 unanswerable
questions; `python -m eval.calibration`), by best balanced accuracy:

    signal                answered (answerable)   answered (unanswerable)   balanced accuracy
    dense cosine alone            77%                      17%                    0.80
    term coverage alone           86%                       4%                    0.91
    their mean (this)             92%                       4%                    0.94

The cosine alone is weak because unanswerable questions ("how do I configure Redis Sentinel
quorum?") land close to the right topic; their specific terms are what is missing. Cross-
validated (threshold tuned on 4/5 of the questions, measured on the rest) the mean answers
92% of answerable and 17% of unanswerable questions: 24 negatives make the false-answer rate
coarse. `Settings.abstain_below` overrides the threshold (re-tune it for another model).
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.model import Hit
from indexer.text.lexical_tokens import lexical_tokens

# Tuned on the sample with all-MiniLM-L6-v2 by `python -m eval.calibration`, on
# the int8 runtime (fp32 chose 0.546; at 0.551 it answers 91.8% / 4.2% of the sample).
DEFAULT_ABSTAIN_BELOW = 0.551


def term_coverage(question: str, hits: Sequence[Hit]) -> float:
    """The largest share of the question's terms that one passage contains."""
    wanted = set(lexical_tokens(question))
    if not wanted:
        return 0.0
    best = 0
    for hit in hits:
        found = set(lexical_tokens(" ".join((hit.title, hit.heading or "", hit.text))))
        best = max(best, len(wanted & found))
    return best / len(wanted)


def retrieval_confidence(question: str, best_cosine: float, hits: Sequence[Hit]) -> float:
    """See the module docstring. `best_cosine` is clipped to [0, 1]."""
    cosine = min(max(best_cosine, 0.0), 1.0)
    return (cosine + term_coverage(question, hits)) / 2
