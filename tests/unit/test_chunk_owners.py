"""The in-memory chunk -> article map a loaded snapshot carries for grouping search candidates."""

from __future__ import annotations

from indexer.bootstrap import Services
from indexer.index.chunk_owners import ChunkOwners
from indexer.model import Article


def article(slug: str, words: str) -> Article:
    return Article(
        id=slug, title=slug, text=f"## One\n\n{words}\n\n## Two\n\n{words}", source_path="api"
    )


def test_owners_are_found_by_id_in_any_order_and_unknown_ids_are_left_out() -> None:
    owners = ChunkOwners.from_pairs([(40, "b"), (3, "a"), (17, "a"), (9, "c")])
    assert owners.of([17, 40, 5, 3, 1000, 9]) == {17: "a", 40: "b", 3: "a", 9: "c"}
    assert owners.of([]) == {}
    assert ChunkOwners.from_pairs([]).of([1, 2]) == {}
    assert len(owners) == 4


def test_a_loaded_snapshot_knows_the_owner_of_every_chunk_the_store_holds(
    fake_services: Services,
) -> None:
    fake_services.indexing.index_article(article("first", "alpha words"))
    fake_services.indexing.index_article(article("second", "beta words"))
    snapshot = fake_services.reader.current()
    pairs = list(fake_services.store.chunk_article_pairs())
    assert {owner for _, owner in pairs} == {"first", "second"}
    assert snapshot.owners.of([chunk_id for chunk_id, _ in pairs]) == dict(pairs)


def test_an_edit_is_grouped_under_its_article_after_the_reader_moves_on(
    fake_services: Services,
) -> None:
    fake_services.indexing.index_article(article("first", "alpha words"))
    fake_services.reader.current()
    fake_services.indexing.index_article(article("first", "gamma words, rewritten"))
    fake_services.indexing.index_article(article("third", "gamma words elsewhere"))
    page = fake_services.search.search("gamma words", mode="hybrid")
    assert {result.article_id for result in page.results} == {"first", "third"}
    assert all(
        hit.article_id == result.article_id for result in page.results for hit in result.passages
    )
