// Which URLs from the API become links, for every reader interface (the widget and `/`): the
// server's rule (WEB_LINK_PATTERN in indexer/ingest/fields.py), absolute http(s) URLs with a
// plain host, or a path on the publication's site. Never `//host` or a backslash, which browsers
// follow to another site, nor whitespace, control or invisible characters, some of which they
// drop. tests/unit/test_article_urls.py runs this module against the server's rule.
const UNSEEN =
  "\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891" +
  "\\u08e2\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000" +
  "\\ufeff\\ufff9-\\ufffb";
const WEB_LINK = new RegExp(
  `^(?:https?://[^${UNSEEN}\\\\/?#@\\[\\]:]+(?::[0-9]{1,5})?(?:[/?#][^${UNSEEN}\\\\]*)?` +
    `|/(?:[^${UNSEEN}\\\\/][^${UNSEEN}\\\\]*)?)$`,
  "iu",
);

export const isWebLink = (url) => typeof url === "string" && WEB_LINK.test(url);
