"""Loading articles from a source path: one file, or a folder walked for every supported kind.

Files are read and decoded here, once, so every format reports undecodable bytes the same way;
the per-format loaders take text and never touch the file system.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.feed import load_feed
from indexer.ingest.html import load_html
from indexer.ingest.jsonl import load_article_json, load_jsonl
from indexer.ingest.markdown import load_markdown
from indexer.model import Article, LoadFailure, LoadResult

__all__ = ["load_article_json", "load_source"]

Loader = Callable[[str, str], LoadResult]

_FORMATS: dict[str, tuple[Loader, tuple[str, ...]]] = {
    "markdown": (load_markdown, (".md", ".markdown")),
    "html": (load_html, (".html", ".htm")),
    "jsonl": (load_jsonl, (".jsonl",)),
    "feed": (load_feed, (".xml", ".rss", ".atom")),
}
_LOADERS: dict[str, Loader] = {
    suffix: loader for loader, suffixes in _FORMATS.values() for suffix in suffixes
}


def load_source(path: str | Path) -> LoadResult:
    """Every article under `path`, a supported file or a folder walked recursively.

    Folders are walked in sorted order, skipping hidden files and folders and files of other
    kinds. An article whose id was already loaded is reported as a failure, not loaded: the
    first one wins. Raises SourceError when the path is missing or is a file of another kind.
    """
    root = Path(path)
    if root.is_dir():
        files = _walk(root)
    elif root.is_file():
        if root.suffix.lower() not in _LOADERS:
            supported = "; ".join(
                f"{kind} ({', '.join(suffixes)})" for kind, (_, suffixes) in _FORMATS.items()
            )
            raise SourceError(f"{root}: not a supported kind of file; supported: {supported}")
        files = [root]
    elif root.exists():
        raise SourceError(f"{root}: neither a file nor a folder")
    else:
        raise SourceError(f"{root}: no such file or folder")

    articles: list[Article] = []
    failures: list[LoadFailure] = []
    first_seen: dict[str, str] = {}
    for file in files:
        result = _load_file(file)
        failures.extend(result.failures)
        for article in result.articles:
            if article.id in first_seen:
                reason = f"duplicate id {article.id!r}, first seen in {first_seen[article.id]}"
                failures.append(LoadFailure(article.source_path, reason))
                continue
            first_seen[article.id] = article.source_path
            articles.append(article)
    return LoadResult(articles=tuple(articles), failures=tuple(failures))


def _load_file(path: Path) -> LoadResult:
    loader = _LOADERS[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(LoadFailure(str(path), f"cannot read: {exc.strerror or exc}"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        reason = f"not valid UTF-8: byte 0x{byte:02x} at byte offset {exc.start}"
        line = data.count(b"\n", 0, exc.start) + 1
        return _failed(LoadFailure(str(path), reason, line))
    # A byte-order mark is legal UTF-8 but would hide front matter and shift offsets.
    return loader(text.removeprefix("\ufeff"), str(path))


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(
            Path(folder, name)
            for name in filenames
            if not name.startswith(".") and Path(name).suffix.lower() in _LOADERS
        )
    # Sorting by path components keeps a folder's files together ("a/z" before "a-b/c").
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _failed(failure: LoadFailure) -> LoadResult:
    return LoadResult(articles=(), failures=(failure,))
