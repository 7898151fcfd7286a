"""Indexing: making the index match a source, one article at a time or a whole folder."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from indexer.errors import NotFound
from indexer.index.rebuild import from_source, plan_rebuild, reconcile
from indexer.index.unit_of_work import UnitOfWorkFactory
from indexer.ingest import SourceOptions, load_source
from indexer.model import Article, Chunk, IndexReport, SkippedFile
from indexer.ports import (
    Embedder,
    MetadataStore,
    NoProgress,
    Progress,
    TokenIds,
    Tokenizer,
    Vectors,
)
from indexer.text.chunking import ChunkingConfig, chunk_article
from indexer.text.lexical_tokens import keyword_terms

# Chunks per embedder call: the progress bar moves per slice, and an embedder spreading a call's
# batches over threads leaves one idle at the end of each, so slices are not tiny.
EMBED_SLICE = 512

Chunked = list[tuple[Article, list[Chunk]]]


class IndexingService:
    def __init__(
        self,
        store: MetadataStore,
        uow_factory: UnitOfWorkFactory,
        embedder: Embedder,
        tokenizer: Tokenizer,
        chunking: ChunkingConfig,
        batch_articles: int = 1000,
    ) -> None:
        self._store = store
        self._uow_factory = uow_factory
        self._embedder = embedder
        self._tokenizer = tokenizer
        self._chunking = chunking
        self._batch_articles = batch_articles

    def sync_source(
        self,
        path: str | Path,
        progress: Progress | None = None,
        options: SourceOptions | None = None,
    ) -> IndexReport:
        """Make the index match the articles under `path`: add new ones, update changed ones,
        delete those gone from the source, skipped or marked draft. Files that fail to load
        are reported and their articles left as they were; drafts count as skipped."""
        progress = progress or NoProgress()
        started = time.perf_counter()
        root = str(Path(path).resolve())
        loaded = load_source(path, options)
        report = IndexReport(failed=list(loaded.failures), skipped=list(loaded.skipped))
        stored = self._store.stored_articles()

        changed: list[Article] = []
        drafts: list[str] = []
        for article in loaded.articles:
            previous = stored.get(article.id)
            if article.draft:
                drafts.append(article.id)
                report.skipped.append(SkippedFile(article.source_path, "draft"))
            elif previous is not None and previous.content_hash == article.content_hash:
                report.unchanged += 1
            else:
                changed.append(article)
        seen = {a.id for a in loaded.articles}
        failed_paths = {str(Path(f.path).resolve()) for f in loaded.failures}
        gone = [
            a.id for a in stored.values() if a.id not in seen and from_source(a, root, failed_paths)
        ]

        progress.start("chunking", len(changed))
        batches = [
            changed[i : i + self._batch_articles]
            for i in range(0, len(changed), self._batch_articles)
        ] or [[]]
        for number, batch in enumerate(batches, start=1):
            deletions = drafts + gone if number == len(batches) else []
            self._apply(batch, deletions, stored, report, progress)
        report.seconds = time.perf_counter() - started
        report.chunks_total = self._store.counts()[1]
        return report

    def rebuild_source(
        self,
        path: str | Path,
        progress: Progress | None = None,
        options: SourceOptions | None = None,
    ) -> IndexReport:
        """Re-embed every article from scratch into the next snapshot generation, with the
        configured model (which may differ from the index's: the rebuild records it). The
        articles are those of `path` plus every live one from elsewhere (the API, files that
        failed to load), re-chunked from the store; articles gone from `path` are deleted.
        Until it commits, and for good if it fails, the previous generation serves. See
        `indexer.index.rebuild` for what happens to articles other writers change meanwhile."""
        progress = progress or NoProgress()
        started = time.perf_counter()
        loaded = load_source(path, options)
        report = IndexReport(failed=list(loaded.failures), skipped=list(loaded.skipped))
        plan = plan_rebuild(loaded, self._store.stored_articles(), path)
        from_store = [self._store.article(article_id) for article_id in plan.from_store]
        articles = [a for a in loaded.articles if not a.draft]
        articles += [a for a in from_store if a is not None]

        prepared, vectors, terms = self._prepare_everything(articles, progress)
        with self._uow_factory(fresh=True) as uow:
            now = self._store.stored_articles()
            hashes = {article_id: a.content_hash for article_id, (a, _) in prepared.items()}
            decided = reconcile(plan, hashes, now)
            newest = [self._store.article(article_id) for article_id in decided.from_store]
            # Only what another writer changed while this rebuild embedded: a few articles.
            late, embedded = self._prepare([a for a in newest if a is not None], NoProgress())
            vectors.update(embedded)
            for article, chunks in [prepared[article_id] for article_id in decided.write] + late:
                uow.replace_article(article, chunks, vectors, terms)
                (report.updated if article.id in now else report.added).append(article.id)
            for article_id in decided.drop:
                if uow.drop_article(article_id):
                    report.deleted.append(article_id)
            report.generation = uow.commit()
        report.chunks_embedded = len(vectors)
        report.seconds = time.perf_counter() - started
        report.chunks_total = self._store.counts()[1]
        return report

    def _prepare_everything(
        self, articles: Sequence[Article], progress: Progress
    ) -> tuple[dict[str, tuple[Article, list[Chunk]]], dict[str, Vectors], dict[str, str]]:
        """Every article chunked, every chunk embedded and its keyword terms worked out (not
        under the lock, where they were most of a rebuild's time), in batches of articles."""
        prepared: dict[str, tuple[Article, list[Chunk]]] = {}
        vectors: dict[str, Vectors] = {}
        terms: dict[str, str] = {}
        progress.start("chunking", len(articles))
        for i in range(0, len(articles), self._batch_articles):
            chunked, embedded = self._prepare(articles[i : i + self._batch_articles], progress)
            for article, chunks in chunked:
                # Token ids are only for the embedder: kept for every chunk of the corpus
                # they would take more memory than the vectors.
                prepared[article.id] = (article, [replace(c, token_ids=()) for c in chunks])
                terms.update((c.content_hash, keyword_terms(c.embed_text)) for c in chunks)
            vectors.update(embedded)
        return prepared, vectors, terms

    def index_article(self, article: Article) -> IndexReport:
        """Index one article (a CMS publishing it); a draft is removed instead."""
        started = time.perf_counter()
        report = IndexReport()
        previous = self._store.stored_article(article.id)
        known = {article.id} if previous is not None else set()
        if article.draft:
            self._apply([], [article.id], known, report, NoProgress())
        elif previous is not None and previous.content_hash == article.content_hash:
            report.unchanged = 1
        else:
            self._apply([article], [], known, report, NoProgress())
        report.seconds = time.perf_counter() - started
        report.chunks_total = self._store.counts()[1]
        return report

    def apply(self, upserts: Sequence[Article], removals: Collection[str] = ()) -> IndexReport:
        """Index `upserts` and remove `removals` in one commit (a sync poll's changes).

        Articles whose content is unchanged are counted, not rewritten; drafts are removed;
        removals of ids not indexed (or upserted in the same call) are ignored. With nothing
        to change, nothing is committed."""
        started = time.perf_counter()
        report = IndexReport()
        changed: list[Article] = []
        deletions: list[str] = []
        known: set[str] = set()
        for article in upserts:
            previous = self._store.stored_article(article.id)
            if previous is not None:
                known.add(article.id)
            if article.draft:
                deletions.extend([article.id] if previous is not None else [])
            elif previous is not None and previous.content_hash == article.content_hash:
                report.unchanged += 1
            else:
                changed.append(article)
        kept = {article.id for article in upserts}
        deletions += [
            article_id
            for article_id in dict.fromkeys(removals)
            if article_id not in kept and self._store.stored_article(article_id) is not None
        ]
        if changed or deletions:
            self._apply(changed, deletions, known, report, NoProgress())
        report.seconds = time.perf_counter() - started
        report.chunks_total = self._store.counts()[1]
        return report

    def remove_article(self, article_id: str) -> IndexReport:
        """Take one article out of the index (a CMS unpublishing it)."""
        if self._store.stored_article(article_id) is None:
            raise NotFound(f"no article with id {article_id!r} is indexed")
        report = IndexReport()
        self._apply([], [article_id], {article_id}, report, NoProgress())
        report.chunks_total = self._store.counts()[1]
        return report

    def _apply(
        self,
        articles: Sequence[Article],
        deletions: Sequence[str],
        known: Collection[str],
        report: IndexReport,
        progress: Progress,
    ) -> None:
        chunked, vectors = self._prepare(articles, progress, reuse_live=True)
        report.chunks_embedded += len(vectors)
        with self._uow_factory() as uow:
            for article, chunks in chunked:
                uow.replace_article(article, chunks, vectors)
                (report.updated if article.id in known else report.added).append(article.id)
            for article_id in deletions:
                if uow.drop_article(article_id):
                    report.deleted.append(article_id)
            report.generation = uow.commit()

    def _prepare(
        self, articles: Sequence[Article], progress: Progress, reuse_live: bool = False
    ) -> tuple[Chunked, dict[str, Vectors]]:
        """Chunk `articles` and embed their chunks, outside the write lock; with `reuse_live`,
        only the chunks whose content is not live already."""
        chunked: Chunked = []
        to_embed: dict[str, Chunk] = {}
        for article in articles:
            chunks = chunk_article(article, self._tokenizer, self._chunking)
            live = (
                {c.content_hash for c in self._store.live_chunks(article.id)}
                if reuse_live
                else set()
            )
            to_embed.update({c.content_hash: c for c in chunks if c.content_hash not in live})
            chunked.append((article, chunks))
            progress.advance()
        return chunked, self._embed(to_embed, progress)

    def _embed(self, chunks: dict[str, Chunk], progress: Progress) -> dict[str, Vectors]:
        """Embed outside the write lock, in slices so the progress bar moves."""
        # Shortest first across the whole batch, not only within a slice: each model batch
        # then pads to nearly its own length, as one call over every text would.
        hashes = sorted(chunks, key=lambda h: chunks[h].token_count)
        progress.start("embedding", len(hashes))
        vectors: dict[str, Vectors] = {}
        for i in range(0, len(hashes), EMBED_SLICE):
            keys = hashes[i : i + EMBED_SLICE]
            part = [chunks[h] for h in keys]
            rows = self._embedder.embed([c.embed_text for c in part], self._token_ids(part))
            vectors.update(zip(keys, rows, strict=True))
            progress.advance(len(part))
        return vectors

    def _token_ids(self, chunks: list[Chunk]) -> TokenIds | None:
        if not all(c.token_ids for c in chunks):
            return None
        return TokenIds(self._tokenizer.fingerprint, [c.token_ids for c in chunks])
