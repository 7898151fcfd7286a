// Live search for the reader's page. Progressive enhancement: without this script the form
// is a plain GET to /?q=...&mode=... and the server renders the same markup built here.
"use strict";

(() => {
  const DEBOUNCE_MS = 250;
  const MIN_CHARS = 2;
  const PAGE_SIZE = 10;
  const DEFAULT_MODE = "hybrid";
  const PAGE_TITLE = "The Backend Ledger — search";
  // Formatted by hand, as the template does, so both paths print "18 April 2023".
  const MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
  ];
  // The template applies the same rule: only web links become hrefs.
  const WEB_LINK = /^(https?:\/\/|\/)/;

  const form = document.querySelector('form[role="search"]');
  const box = document.getElementById("q");
  const modeSelect = document.getElementById("mode");
  const count = document.getElementById("result-count");
  const intentNote = document.getElementById("date-intent");
  const list = document.getElementById("results");
  if (!form || !box || !modeSelect || !count || !list) return;

  const endpoint = form.dataset.endpoint || "/search";
  const pagePath = form.getAttribute("action") || "/";

  let timer = 0;
  let foldedCount = 0;
  let inFlight = null;
  // What the page shows now, so keys that do not change the query cost no request.
  let shown = { q: box.value.trim(), mode: modeSelect.value };

  const longEnough = (q) => q.replace(/\s+/g, "").length >= MIN_CHARS;

  function run(force) {
    clearTimeout(timer);
    const q = box.value.trim();
    const mode = modeSelect.value;
    if (!force && q === shown.q && mode === shown.mode) return;
    shown = { q, mode };
    syncUrl(q, mode);
    // Enter searches whatever was typed; live typing waits for a few characters.
    if (q === "" || (!force && !longEnough(q))) {
      clear();
      return;
    }
    fetchResults(q, mode);
  }

  async function fetchResults(q, mode) {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    setBusy(true);
    const params = new URLSearchParams({ q, mode, k: String(PAGE_SIZE) });
    try {
      const response = await fetch(`${endpoint}?${params}`, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => null);
      if (controller !== inFlight) return;
      if (response.ok && body && Array.isArray(body.results)) {
        render(body, q);
      } else {
        showError(errorDetail(body, response.status));
      }
    } catch (error) {
      if (error.name === "AbortError") return;
      showError("Search could not reach the server. Check your connection and press Enter to retry.");
    } finally {
      if (controller === inFlight) {
        inFlight = null;
        setBusy(false);
      }
    }
  }

  function errorDetail(body, status) {
    if (body && typeof body.detail === "string" && body.detail) return body.detail;
    return `Search failed (HTTP ${status}). Please try again.`;
  }

  function clear() {
    if (inFlight) inFlight.abort();
    inFlight = null;
    setBusy(false);
    list.replaceChildren();
    count.classList.remove("is-error");
    count.textContent = "";
    renderIntent(null);
  }

  function setBusy(busy) {
    form.classList.toggle("is-loading", busy);
    if (busy) list.setAttribute("aria-busy", "true");
    else list.removeAttribute("aria-busy");
  }

  function syncUrl(q, mode) {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (q || mode !== DEFAULT_MODE) params.set("mode", mode);
    const search = params.toString();
    history.replaceState(history.state, "", search ? `${pagePath}?${search}` : pagePath);
    document.title = q ? `${q} · ${PAGE_TITLE}` : PAGE_TITLE;
  }

  function render(body, q) {
    const items = document.createDocumentFragment();
    for (const hit of body.results) items.append(resultItem(hit));
    list.replaceChildren(items);
    foldLongPassages(list);
    count.classList.remove("is-error");
    count.textContent = body.total === 0
      ? `No results for “${q}”`
      : `${body.total} ${body.total === 1 ? "result" : "results"} for “${q}”`;
    renderIntent(body.date_intent);
  }

  function showError(detail) {
    list.replaceChildren();
    renderIntent(null);
    count.classList.add("is-error");
    count.textContent = detail;
  }

  function renderIntent(intent) {
    if (!intentNote) return;
    intentNote.hidden = !intent;
    if (!intent) intentNote.textContent = "";
    else if (intent.kind === "year" && intent.year) {
      intentNote.textContent = `Articles from ${intent.year} come first among equally relevant ones.`;
    } else {
      intentNote.textContent = "The most recent articles come first among equally relevant ones.";
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(url, className, text) {
    const href = url && WEB_LINK.test(url) ? url : null;
    const node = element(href ? "a" : "span", className, text);
    if (href) node.setAttribute("href", href);
    return node;
  }

  function day(iso) {
    const [year, month, date] = iso.split("-").map(Number);
    const node = element("time", "", `${date} ${MONTHS[month - 1]} ${year}`);
    node.setAttribute("datetime", iso);
    return node;
  }

  function resultItem(hit) {
    const item = element("li", "result");
    const heading = element("h2", "result-heading");
    heading.append(link(hit.url, "result-title", hit.title));
    item.append(heading);

    const meta = element("div", "result-meta");
    if (hit.published) meta.append(day(hit.published));
    if (hit.updated && hit.updated !== hit.published) {
      const updated = element("span", "result-updated", "updated ");
      updated.append(day(hit.updated));
      meta.append(updated);
    }
    if (hit.author) meta.append(element("span", "result-author", `by ${hit.author}`));
    if (hit.tags && hit.tags.length) {
      const tags = element("ul", "tags");
      tags.setAttribute("aria-label", "Tags");
      for (const tag of hit.tags) tags.append(element("li", "tag", tag));
      meta.append(tags);
    }
    if (meta.childElementCount) item.append(meta);

    const passages = element("ul", "passages");
    for (const passage of hit.passages) passages.append(passageItem(passage));
    item.append(passages);
    return item;
  }

  function passageItem(passage) {
    const item = element("li", "passage-item");
    const heading = link(passage.url, "passage-link", passage.heading || "Introduction");
    const quote = element("blockquote", "passage-quote");
    if (heading.hasAttribute("href")) quote.setAttribute("cite", heading.getAttribute("href"));
    const text = element("p", "passage");
    // The one trusted string: the server escaped the passage and added only <mark>.
    text.innerHTML = passage.highlighted;
    quote.append(text);
    item.append(heading, quote);
    return item;
  }

  // Passages are whole chunks, code included; folding the long ones keeps results scannable.
  // Without this script they are shown in full.
  function foldLongPassages(root) {
    const quotes = [...root.querySelectorAll(".passage-quote:not([data-folded])")];
    for (const quote of quotes) quote.classList.add("is-folded");
    const tall = quotes.filter((quote) => quote.scrollHeight > quote.clientHeight + 8);
    for (const quote of quotes) {
      quote.dataset.folded = "";
      if (!tall.includes(quote)) quote.classList.remove("is-folded");
    }
    for (const quote of tall) {
      quote.id = `passage-${++foldedCount}`;
      const toggle = element("button", "passage-more", "Show the whole passage");
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

  function isTyping(target) {
    return target instanceof Element &&
      (target.isContentEditable || target.closest("input, textarea, select") !== null);
  }

  function resultTitle(item) {
    return item ? item.querySelector("a.result-title") : null;
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    if (longEnough(box.value.trim())) timer = setTimeout(() => run(false), DEBOUNCE_MS);
    else run(false);
  });

  modeSelect.addEventListener("change", () => run(false));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(true);
  });

  box.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "ArrowDown") {
      const first = resultTitle(list.firstElementChild);
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Escape" && box.value) {
      // Replaces the browser's own clearing of search fields, which would skip our reset.
      event.preventDefault();
      box.value = "";
      run(false);
    }
  });

  // Up and down step between results (Tab still reaches every passage link); Escape returns.
  list.addEventListener("keydown", (event) => {
    const item = event.target instanceof Element ? event.target.closest(".result") : null;
    if (!item) return;
    let target = null;
    if (event.key === "ArrowDown") {
      target = resultTitle(item.nextElementSibling);
    } else if (event.key === "ArrowUp") {
      const onTitle = event.target.classList.contains("result-title");
      if (!onTitle) target = resultTitle(item);
      else target = item.previousElementSibling ? resultTitle(item.previousElementSibling) : box;
    } else if (event.key === "Escape") {
      target = box;
    }
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey ||
        event.altKey || isTyping(event.target)) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  const keys = document.getElementById("search-keys");
  if (keys) {
    keys.hidden = false;
    box.setAttribute("aria-describedby", "q-help search-keys");
  }
  foldLongPassages(list);
  if (document.activeElement === box) box.setSelectionRange(box.value.length, box.value.length);
})();
