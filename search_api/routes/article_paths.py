"""The path converter of article ids in routes: `/articles/{article_id:article_id}`.

Ids may hold `/` (a site's own paths), so the segment-only default does not do; Starlette's
`path` converter does not match a line break, which turned `PUT /admin/articles/%0d%0a...`
into a 404 instead of the 422 that names the id rule. This one matches any characters and
leaves judging them to the id rule (`indexer.ingest.article_ids`).
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

CONVERTER = "article_id"


class _AnyText(Convertor[str]):
    regex = "(?s:.+)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor(CONVERTER, _AnyText())
