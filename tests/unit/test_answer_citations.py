from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.answering.citations import CitationStream, marker_numbers, rewrite_citations


def test_markers_are_renumbered_densely_in_order_of_first_appearance() -> None:
    checked = rewrite_citations("Jitter helps [3]. Locks too [1]. Jitter again [3].", 3)
    assert checked.text == "Jitter helps [1]. Locks too [2]. Jitter again [1]."
    assert checked.order == (3, 1)
    assert checked.removed == ()


def test_a_marker_of_a_passage_not_supplied_is_removed_and_reported() -> None:
    checked = rewrite_citations("Use acks_late [1]. Also [7].", 2)
    assert checked.text == "Use acks_late [1]. Also."
    assert checked.order == (1,)
    assert checked.removed == ("[7]",)


def test_groups_keep_their_valid_numbers_in_one_form() -> None:
    grouped = rewrite_citations("A [2][3] B [1, 2] C [1-3].", 3)
    assert grouped.text == "A [1][2] B [3][1] C [3][1][2]."
    mixed = rewrite_citations("Both [1, 9] and [Passage 2] and [sources 1 and 2].", 2)
    assert mixed.text == "Both [1] and [2] and [1][2]."
    assert mixed.removed == ("[9]",)


def test_a_removed_marker_inside_a_sentence_leaves_one_space() -> None:
    assert rewrite_citations("See [8] for details [1].", 1).text == "See for details [1]."
    assert rewrite_citations("[5] Leading marker [1].", 1).text == "Leading marker [1]."


def test_brackets_that_are_not_markers_and_code_are_left_alone() -> None:
    text = "Index `results[1]` or\n```python\nrows[0]\n```\nthe list [a, b] in 2024 [2024] [1]."
    checked = rewrite_citations(text, 1)
    assert checked.text == text
    assert checked.order == (1,)


def test_marker_numbers_reads_lists_and_ranges() -> None:
    assert marker_numbers("[1]") == [1]
    assert marker_numbers("[ 1 ; 2 ]") == [1, 2]
    assert marker_numbers("[2–4]") == [2, 3, 4]
    assert marker_numbers("[passages 1, 3]") == [1, 3]
    assert marker_numbers("[see 1]") is None


def stream(text: str, cuts: list[int], supplied: int) -> tuple[str, str]:
    rewriter = CitationStream(supplied)
    streamed = []
    previous = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        streamed.append(rewriter.feed(text[previous:cut]))
        previous = cut
    tail, checked = rewriter.finish()
    return "".join(streamed) + tail, checked.text


def test_a_streamed_marker_split_across_deltas_is_rewritten_like_the_whole_text() -> None:
    text = "Use acks_late [1]. Also [12]. And [2, 7]."
    streamed, final = stream(text, [15, 16, 26, 27, 33], 2)
    assert streamed == final == "Use acks_late [1]. Also. And [2]."


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab [],-1279`\n", max_size=60),
    st.lists(st.integers(min_value=0, max_value=60), max_size=12),
    st.integers(min_value=0, max_value=9),
)
def test_streaming_always_yields_exactly_the_final_text_with_no_dangling_marker(
    text: str, cuts: list[int], supplied: int
) -> None:
    streamed, final = stream(text, [c for c in cuts if c <= len(text)], supplied)
    assert streamed == final
    checked = rewrite_citations(text, supplied)
    outside_code = re.sub(r"`+[^`]*`+", "", checked.text.split("`")[0])
    for match in re.finditer(r"\[(\d+)\]", outside_code):
        assert 1 <= int(match.group(1)) <= len(checked.order) <= supplied
