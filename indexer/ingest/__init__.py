"""Loading articles from a source path: one file, or a folder read the way its site is built.

Files are read and decoded here, once, so every format reports undecodable bytes the same way;
the per-format loaders take text and never touch the file system (a page whose template
includes a file reads it through a reader confined to the source). `sites` knows the
generators, `source` walks a folder with them, `pages` turns one page into an Article, and
`clean` makes its text what readers see.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath

from indexer.errors import SourceError
from indexer.ingest.feed import load_feed
from indexer.ingest.html import load_html
from indexer.ingest.jsonl import load_article_json, load_jsonl
from indexer.ingest.markdown import load_markdown
from indexer.ingest.pages import load_page
from indexer.ingest.sites import Site, SourceOptions
from indexer.ingest.source import FailureSink, load_folder
from indexer.model import LoadFailure, LoadResult

__all__ = ["SourceOptions", "load_article_json", "load_source"]

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


def load_source(path: str | Path, options: SourceOptions | None = None) -> LoadResult:
    """Every article under `path`, a supported file or a folder, read as its site publishes it.

    A folder is walked as its generator (Hugo, Jekyll, Zola, detected from its configuration)
    or `options` and the folder's `footnote.toml` say, skipping hidden files and folders and
    files of other kinds; what is not an article is skipped with a reason. Raises SourceError
    when the path is missing or is a file of another kind, or a site configuration is broken.
    """
    options = options or SourceOptions()
    root = Path(path)
    if root.is_dir():
        return load_folder(root, options, _LOADERS, _decode)
    if root.is_file():
        if root.suffix.lower() not in _LOADERS:
            supported = "; ".join(
                f"{kind} ({', '.join(suffixes)})" for kind, (_, suffixes) in _FORMATS.items()
            )
            raise SourceError(f"{root}: not a supported kind of file; supported: {supported}")
        return _load_file(root, options)
    if root.exists():
        raise SourceError(f"{root}: neither a file nor a folder")
    raise SourceError(f"{root}: no such file or folder")


def _load_file(path: Path, options: SourceOptions) -> LoadResult:
    collected = _Collected()
    text = _decode(path, collected)
    if text is None:
        return LoadResult(articles=(), failures=tuple(collected.failures))
    if path.suffix.lower() in _FORMATS["markdown"][1]:
        site = Site(path.parent, options)
        outcome = load_page(
            site, path, path.parent, PurePosixPath(path.name), text, options.today or date.today()
        )
        return outcome.result()
    return _LOADERS[path.suffix.lower()](text, str(path))


class _Collected:
    def __init__(self) -> None:
        self.failures: list[LoadFailure] = []

    def fail(self, failure: LoadFailure) -> None:
        self.failures.append(failure)


def _decode(path: Path, sink: FailureSink) -> str | None:
    """The file's text, or None after reporting to `sink` why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        sink.fail(LoadFailure(str(path), f"cannot read: {exc.strerror or exc}", kind="unreadable"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        reason = f"not valid UTF-8: byte 0x{byte:02x} at byte offset {exc.start}"
        line = data.count(b"\n", 0, exc.start) + 1
        sink.fail(LoadFailure(str(path), reason, line, "not UTF-8"))
        return None
    # A byte-order mark is legal UTF-8 but would hide front matter and shift offsets.
    return text.removeprefix("\ufeff")
