"""Clean text: template syntax replaced by what readers see, HTML and Markdown link syntax
turned into words, code left as code, and a plain article kept exactly as written."""

from __future__ import annotations

from indexer.ingest.clean import clean_page
from indexer.ingest.clean.markup import clean_markdown


def clean(body: str, dialect: str = "plain", anchors: str = "github", **kwargs: object) -> str:
    return clean_page(body, dialect=dialect, anchors=anchors, **kwargs)  # type: ignore[arg-type]


def test_a_plain_article_is_kept_byte_for_byte() -> None:
    body = "First line.  \n\n\n   indented\ttab\n\n## Heading\n\n```\n[a](b) <b>x</b>\n```\n"

    assert clean(body) == body


def test_links_emphasis_and_images_become_their_words() -> None:
    body = "Read [the guide](https://x.example/g) and *really* **do** it.\n\n![A chart](c.png)\n"

    assert clean(body) == "Read the guide and really do it.\n\nA chart\n"


def test_link_reference_lines_are_dropped_and_unresolved_references_read_as_text() -> None:
    body = "See [the docs][docs] and [#1037][].\n\n[docs]: https://x.example/docs\n\nEnd.\n"

    assert clean(body) == "See the docs and #1037.\n\nEnd.\n"


def test_html_tables_and_details_keep_their_text() -> None:
    body = (
        '<table>\n<tr><th style="width:2em">Key</th><th>Value</th></tr>\n'
        '<tr><td style="color:red">retries</td><td>3</td></tr>\n</table>\n\n'
        "<details>\n<summary>Why three</summary>\n\nBackoff doubles each time.\n\n</details>\n"
    )

    text = clean(body)

    assert "| Key | Value |" in text and "| retries | 3 |" in text
    assert "Why three" in text and "Backoff doubles each time." in text
    assert "<" not in text and "style" not in text


def test_text_shaped_like_a_tag_that_names_no_element_stays_prose() -> None:
    assert clean("Use the <stdlib> import and Vec<T>.\n") == "Use the <stdlib> import and Vec<T>.\n"


def test_hugo_shortcodes_give_captions_and_inner_text_and_highlight_becomes_code() -> None:
    body = (
        '{{< figure src="a.png" alt="Photo" caption="The team in 2023" >}}\n\n'
        '{{% alert color="warning" %}}\nBack up first.\n{{% /alert %}}\n\n'
        "{{< highlight go >}}\nfunc main() {}\n{{< /highlight >}}\n\n"
        '```\n{{</* figure src="x" */>}}\n```\n'
    )

    text = clean(body, "hugo")

    assert "The team in 2023" in text and "Back up first." in text
    assert "```go\nfunc main() {}\n```" in text
    assert '```\n{{< figure src="x" >}}\n```' in text  # an escaped shortcode, shown as code
    assert "alert" not in text and "{{%" not in text


def test_liquid_is_rendered_with_site_values_and_raw_blocks_stay_literal() -> None:
    body = (
        "Code at {{ site.repository }}; see [setup]({% link setup.md %}).\n\n"
        "{% raw %}`{{ page.title }}`{% endraw %}\n\n"
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n"
        "{% comment %}hidden{% endcomment %}Shown.\n"
    )

    text = clean(body, "liquid", variables={"site": {"repository": "https://git.example/r"}})

    assert "Code at https://git.example/r; see setup." in text
    assert "`{{ page.title }}`" in text and "```ruby\nputs 1\n```" in text
    assert "hidden" not in text and "Shown." in text


def test_go_template_actions_give_raw_text_and_included_files() -> None:
    body = (
        'Receive with {{raw "`<-ch`"}} and compare with {{" < "}}.\n\n'
        '{{image "gopher.png" 800}}\n\n{{code "main.go" `/func main/`}}\n\n'
        "{{raw `\n\tfunc f() {}\n`}}\n\n"
        '{{raw (file "t.html")}}\n'
    )
    files = {"t.html": "<table><tr><td>north</td><td>cold</td></tr></table>"}

    text = clean(body, "go", read=files.get)

    assert "Receive with `<-ch` and compare with  < ." in text
    assert "\tfunc f() {}" in text and "| north | cold |" in text
    assert "{{" not in text and "gopher" not in text


def test_zola_shortcodes_are_replaced_outside_code_only() -> None:
    body = (
        '{{ youtube(id="x") }}\n\n{% note(title="Heads up") %}\nWater daily.\n{% end %}\n\n'
        "```\n{{ figure(src='a') }}\n```\n"
    )

    text = clean(body, "zola")

    assert "youtube" not in text and "Heads up" in text and "Water daily." in text
    assert "```\n{{ figure(src='a') }}\n```" in text


def test_a_folder_of_unknown_origin_leaves_template_examples_in_code_blocks() -> None:
    body = "Intro {% include note.html %} here.\n\n```liquid\n{% for p in site.posts %}\n```\n"

    text = clean(body)

    assert text.startswith("Intro  here.") and "{% for p in site.posts %}" in text


def test_headings_get_their_generators_anchors_when_they_differ_from_the_default() -> None:
    body = "## Don't panic\n\ntext\n\n## Don't panic\n\nmore\n"

    assert clean_markdown(body, "github") == body
    zola = clean_markdown(body, "zola")
    assert "## Don't panic {#don-t-panic}" in zola and "## Don't panic {#don-t-panic-1}" in zola


def test_an_explicit_heading_id_is_kept_and_a_link_in_a_heading_reads_as_its_words() -> None:
    body = "## Setup {#setup-steps}\n\nx\n\n## [Caleb](https://github.com/c)\n\ny\n"

    github = clean_markdown(body, "github")
    hugo = clean_markdown(body, "hugo")

    assert "## Setup {#setup-steps}" in github and "## Caleb\n" in github
    # goldmark (and so Hugo) slug the heading's source line, link target included.
    assert "## Caleb {#calebhttpsgithubcomc}" in hugo
