// Building blocks that only ever put text into the page: data from the API goes in through
// textContent, text nodes and the copied elements below, never through innerHTML.
import { isWebLink } from "./links.js";

// Formatted by hand, as the server's template does, so both print "18 April 2023".
const MONTHS = [
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
];
// What the server's `highlighted` passage may contain: its Markdown emphasis, code, web
// links and <mark>. Anything else is reduced to its text.
const PASSAGE_TAGS = new Set(["MARK", "EM", "STRONG", "CODE", "A"]);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function link(url, className, text) {
  const node = el(isWebLink(url) ? "a" : "span", className, text);
  if (node.tagName === "A") node.setAttribute("href", url);
  return node;
}

export function day(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
  if (!match) return null;
  const node = el("time", "", `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`);
  node.setAttribute("datetime", match[0]);
  return node;
}

// The server escapes each passage and adds only PASSAGE_TAGS; copying them node by node from
// an inert parse (DOMParser's document runs and loads nothing) keeps any other markup out even
// if that promise were ever broken. Copies carry no attribute but a checked href.
export function passageNodes(markup) {
  const parsed = new DOMParser().parseFromString(String(markup || ""), "text/html");
  return copies(parsed.body);
}

function copies(source) {
  const nodes = [];
  for (const child of source.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) nodes.push(document.createTextNode(child.data));
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const inner = copies(child);
    const href = child.tagName === "A" ? child.getAttribute("href") : null;
    if (!PASSAGE_TAGS.has(child.tagName) || (child.tagName === "A" && !isWebLink(href))) {
      nodes.push(...inner);
      continue;
    }
    const copy = document.createElement(child.tagName.toLowerCase());
    if (href) {
      copy.setAttribute("href", href);
      copy.setAttribute("rel", "nofollow");
    }
    if (child.tagName === "CODE" && child.classList.contains("code-block")) {
      copy.className = "code-block";
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
  if (body && typeof body.detail === "string" && body.detail) return body.detail;
  return `${what} failed (HTTP ${status}). Please try again.`;
}
