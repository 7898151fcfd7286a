"""What the embedder reads before a passage: the article's title, its summary on the opening
passage, and the headings above the passage."""

from __future__ import annotations

from indexer.model import Article
from indexer.ports import Tokenizer


def chunk_prefix(
    article: Article, path: tuple[str, ...], tokenizer: Tokenizer, limit: int, *, first: bool
) -> str:
    """The context line(s) of a chunk, at most half of `limit` tokens, ending in a line break."""
    lead = _lead(article) if first else ""
    # The author's summary says what the post is about in a way the body often never does in
    # one place; it joins the opening passage's context, never its text.
    head = " ".join(" > ".join((article.title, *path)).split())
    line = f"{head}\n{lead}" if lead else head
    # An absurdly long title, heading or summary must not starve the passage itself.
    words = line.split(" ") if line else []
    while words and tokenizer.count(" ".join(words)) > limit // 2:
        words = words[: len(words) * 3 // 4]
    return " ".join(words) + "\n"


def _lead(article: Article) -> str:
    """The article's summary, unless the text already says it word for word."""
    summary = " ".join((article.summary or "").split())
    if not summary or summary in " ".join(article.text.split()):
        return ""
    return summary
