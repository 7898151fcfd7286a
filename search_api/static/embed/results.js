// One search result as the reader sees it, the same shape the server's template renders for
// `/` without JavaScript: title, dates, author, tags, then each matching passage under a link
// to its section.
import { day, el, link, passageNodes } from "./dom.js";

let folded = 0;

export function resultItem(hit) {
  const item = el("li", "result");
  if (hit.article_id) item.dataset.articleId = hit.article_id;
  const heading = el("h2", "result-heading");
  heading.append(link(hit.url, "result-title", hit.title || "Untitled article"));
  item.append(heading);

  const meta = el("div", "result-meta");
  const published = day(hit.published);
  if (published) meta.append(published);
  const updated = hit.updated !== hit.published && day(hit.updated);
  if (updated) {
    const note = el("span", "result-updated", "updated ");
    note.append(updated);
    meta.append(note);
  }
  if (hit.author) meta.append(el("span", "result-author", `by ${hit.author}`));
  if (Array.isArray(hit.tags) && hit.tags.length) {
    const tags = el("ul", "tags");
    tags.setAttribute("aria-label", "Tags");
    for (const tag of hit.tags) tags.append(el("li", "tag", tag));
    meta.append(tags);
  }
  if (meta.childElementCount) item.append(meta);

  const passages = el("ul", "passages");
  for (const passage of hit.passages || []) passages.append(passageItem(passage));
  item.append(passages);
  return item;
}

function passageItem(passage) {
  const item = el("li", "passage-item");
  const heading = link(passage.url, "passage-link", passage.heading || "Introduction");
  const quote = el("blockquote", "passage-quote");
  if (heading.tagName === "A") quote.setAttribute("cite", heading.getAttribute("href"));
  const text = el("p", "passage");
  text.append(...passageNodes(passage.highlighted));
  quote.append(text);
  item.append(heading, quote);
  return item;
}

export function countText(total, q) {
  if (total === 0) return `No results for “${q}”`;
  return `${total} ${total === 1 ? "result" : "results"} for “${q}”`;
}

export function intentText(intent) {
  if (!intent) return "";
  if (intent.kind === "year" && intent.year) {
    return `Articles from ${intent.year} come first among equally relevant ones.`;
  }
  return "The most recent articles come first among equally relevant ones.";
}

// Passages are whole chunks, code included; folding the tall ones keeps results scannable.
// Measured after insertion, so the list must be in the page.
export function foldLongPassages(root) {
  const quotes = [...root.querySelectorAll(".passage-quote")];
  for (const quote of quotes) quote.classList.add("is-folded");
  const tall = quotes.filter((quote) => quote.scrollHeight > quote.clientHeight + 8);
  for (const quote of quotes) if (!tall.includes(quote)) quote.classList.remove("is-folded");
  for (const quote of tall) {
    quote.id = `passage-${++folded}`;
    const toggle = el("button", "passage-more", "Show the whole passage");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", quote.id);
    toggle.addEventListener("click", () => {
      const open = !quote.classList.toggle("is-folded");
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Show less" : "Show the whole passage";
    });
    quote.after(toggle);
  }
}
