// Building blocks that only ever put text into the page: data from the API goes in through
// textContent, text nodes and the copied elements below, never through innerHTML.
const MONTHS = [
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
];
// The server's link rule (WEB_LINK_PATTERN in indexer/ingest/fields.py, as app.js applies it):
// only absolute http(s) URLs with a plain host become hrefs; no `//host`, backslash, or the
// invisible characters some browsers drop.
const UNSEEN =
  "\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891" +
  "\\u08e2\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000" +
  "\\ufeff\\ufff9-\\ufffb";
const WEB_LINK = new RegExp(
  `^https?://[^${UNSEEN}\\\\/?#@\\[\\]:]+(?::[0-9]{1,5})?(?:[/?#][^${UNSEEN}\\\\]*)?$`,
  "iu",
);
// What the server's `highlighted` passage may contain: its Markdown emphasis, code, web
// links and <mark>. Anything else is reduced to its text.
const PASSAGE_TAGS = new Set(["MARK", "EM", "STRONG", "CODE", "A"]);
const TEXT_TAGS = new Set(["MARK", "EM", "STRONG", "CODE"]);

export const isWebLink = (url) => typeof url === "string" && WEB_LINK.test(url);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function link(url, className, text) {
  const node = el(isWebLink(url) ? "a" : "span", className, text);
  if (node.tagName === "A") node.href = url;
  return node;
}

export function day(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
  if (!match) return null;
  const node = el("time", "", `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`);
  node.setAttribute("datetime", match[0]);
  return node;
}

// DOMParser's document is inert (nothing in it runs or loads); only allowed elements are
// re-created, attribute-free except a checked href.
// Inside a result link, the passage's own links are reduced to text (links do not nest).
export function passageNodes(markup, { links = true } = {}) {
  const parsed = new DOMParser().parseFromString(String(markup || ""), "text/html");
  return copies(parsed.body, links ? PASSAGE_TAGS : TEXT_TAGS);
}

function copies(source, allowed) {
  const nodes = [];
  for (const child of source.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) nodes.push(document.createTextNode(child.data));
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const inner = copies(child, allowed);
    const href = child.tagName === "A" ? child.getAttribute("href") : null;
    if (!allowed.has(child.tagName) || (child.tagName === "A" && !isWebLink(href))) {
      nodes.push(...inner);
      continue;
    }
    const copy = document.createElement(child.tagName.toLowerCase());
    if (href) {
      copy.setAttribute("href", href);
      copy.setAttribute("rel", "nofollow");
    }
    copy.append(...inner);
    nodes.push(copy);
  }
  return nodes;
}

export function parseJson(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

export function errorDetail(body, status, what) {
  if (body && typeof body.detail === "string") return body.detail;
  return `${what} failed (HTTP ${status}).`;
}
