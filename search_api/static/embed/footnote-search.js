// <footnote-search>: Footnote's search-and-ask dialog for any page. A site adds
//   <script type="module" src="https://search.example.com/embed.js"></script>
//   <footnote-search></footnote-search>
// Attributes: api (defaults to where this script came from), placeholder, ask="off",
// tag (comma-separated), author, hotkey (a letter for Ctrl/Cmd+letter; "none": no hotkeys).
import { createAsk } from "./embed/ask.js";
import { day, el, errorDetail, link, passageNodes } from "./embed/dom.js";
import { CSS } from "./embed/style.js";

const DEBOUNCE_MS = 30;
const MIN_CHARS = 2;
const RECENT_KEY = "footnote-search:recent";
const RECENT_MAX = 6;
const UNAVAILABLE = "Search unavailable: this site cannot reach the search service.";
const MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
const SHEET = new CSSStyleSheet();
SHEET.replaceSync(CSS);
// A constant: no data from the API or the host ever goes through this markup.
const SKELETON = `
<button class="open" part="button" type="button" aria-haspopup="dialog">
  <span>Search</span><kbd class="key"></kbd></button>
<dialog aria-label="Search the articles">
  <div class="bar" role="search">
    <input type="search" autocomplete="off" spellcheck="false" aria-label="Search the articles"
      aria-controls="results" aria-describedby="hint">
    <button class="ask" type="button">Ask</button>
    <button class="close" type="button">Close</button>
  </div>
  <div class="body">
    <p class="status" role="status"></p>
    <section class="recent" hidden><h2>Recent searches</h2><ul></ul></section>
    <section class="answer" hidden aria-label="Answer"></section>
    <ul id="results" aria-label="Results"></ul>
  </div>
  <div class="foot"><span id="hint"><kbd>↑</kbd> <kbd>↓</kbd> move, <kbd>Enter</kbd> open,
    <kbd class="mod"></kbd> <kbd>Enter</kbd> ask</span><span>Footnote</span></div>
  <div class="sr live" aria-live="polite"></div>
</dialog>`;

class FootnoteSearch extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) this.build();
    this.onHotkey = (event) => this.hotkey(event);
    document.addEventListener("keydown", this.onHotkey);
  }

  disconnectedCallback() {
    document.removeEventListener("keydown", this.onHotkey);
    this.asker?.stop();
  }

  get api() {
    const base = this.getAttribute("api") || new URL(".", import.meta.url).href;
    return base.endsWith("/") ? base : `${base}/`;
  }

  get filters() {
    const tags = (this.getAttribute("tag") || "").split(",").map((t) => t.trim()).filter(Boolean);
    const author = (this.getAttribute("author") || "").trim();
    return { tags, author };
  }

  build() {
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [SHEET];
    root.innerHTML = SKELETON;
    const $ = (selector) => root.querySelector(selector);
    Object.assign(this, {
      opener: $(".open"), dialog: $("dialog"), box: $("input"), status: $(".status"),
      recent: $(".recent"), results: $("#results"), live: $(".live"), answer: $(".answer"),
    });
    const key = (this.getAttribute("hotkey") || "k").toUpperCase();
    $(".key").textContent = key === "NONE" ? "" : `${MAC ? "⌘" : "Ctrl"} ${key}`;
    $(".key").hidden = key === "NONE";
    $(".mod").textContent = MAC ? "⌘" : "Ctrl";
    this.box.placeholder = this.getAttribute("placeholder") || "Search the articles";
    const askButton = $(".ask");
    askButton.hidden = this.getAttribute("ask") === "off";
    const { tags, author } = this.filters;
    this.asker = createAsk({
      api: this.api, panel: this.answer, announce: (m) => this.announce(m),
      filters: tags.length || author ? { tags, ...(author ? { author } : {}) } : null,
    });
    this.seq = 0;
    this.opener.addEventListener("click", () => this.open());
    $(".close").addEventListener("click", () => this.dialog.close());
    askButton.addEventListener("click", () => this.ask());
    this.dialog.addEventListener("close", () => this.closed());
    this.dialog.addEventListener("click", (event) => {
      if (event.target === this.dialog) this.dialog.close(); // the backdrop
    });
    this.dialog.addEventListener("keydown", (event) => this.keys(event));
    this.box.addEventListener("input", () => this.schedule());
    this.results.addEventListener("click", (event) => {
      if (event.target.closest("a")) this.remember(this.box.value.trim());
    });
  }

  hotkey(event) {
    const key = (this.getAttribute("hotkey") || "k").toLowerCase();
    if (key === "none" || this.dialog.open || event.defaultPrevented || event.isComposing) return;
    const withModifier = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === key;
    const target = event.composedPath()[0];
    const typing = target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (withModifier || (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey)) {
      event.preventDefault();
      this.open();
    }
  }

  open() {
    if (this.dialog.open) return;
    this.returnTo = document.activeElement;
    this.dialog.showModal();
    this.box.focus();
    this.box.select();
    if (!this.box.value.trim()) this.showRecent();
  }

  closed() {
    this.asker.stop();
    this.inFlight?.abort();
    const back = this.returnTo && this.returnTo !== document.body ? this.returnTo : this.opener;
    (back.isConnected ? back : this.opener).focus();
  }

  // Arrows move between the search box and the links; Tab stays inside the dialog.
  keys(event) {
    const inBox = event.composedPath()[0] === this.box;
    if (inBox && event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) this.ask();
      else this.run(true);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const stops = [this.box, ...this.dialog.querySelectorAll(
        ".recent button, #results a, .answer a, .answer button")].filter((n) => n.offsetParent);
      const at = stops.indexOf(this.shadowRoot.activeElement);
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (at < 0 || next < 0 || next >= stops.length) return;
      event.preventDefault();
      stops[next].focus();
      stops[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Tab") {
      const all = [...this.dialog.querySelectorAll("input, button, a[href]")]
        .filter((n) => n.offsetParent);
      const edge = event.shiftKey ? all[0] : all[all.length - 1];
      if (this.shadowRoot.activeElement === edge) {
        event.preventDefault();
        (event.shiftKey ? all[all.length - 1] : all[0]).focus();
      }
    }
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(false), DEBOUNCE_MS);
  }

  async run(force) {
    const q = this.box.value.trim();
    if (!force && q === this.shown) return;
    this.shown = q;
    this.inFlight?.abort();
    if (q.replace(/\s+/g, "").length < MIN_CHARS) {
      this.results.replaceChildren();
      this.setStatus("");
      this.showRecent();
      return;
    }
    this.recent.hidden = true;
    const seq = ++this.seq;
    const params = new URLSearchParams({ q, k: "8" });
    const { tags, author } = this.filters;
    for (const tag of tags) params.append("tag", tag);
    if (author) params.set("author", author);
    this.inFlight = new AbortController();
    let response;
    let body;
    try {
      response = await fetch(new URL(`search?${params}`, this.api), {
        credentials: "omit", headers: { Accept: "application/json" },
        signal: this.inFlight.signal,
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      if (seq === this.seq && error.name !== "AbortError") this.unavailable();
      return;
    }
    if (seq !== this.seq) return;
    if (!response.ok || !body || !Array.isArray(body.results)) {
      this.results.replaceChildren();
      this.setStatus(errorDetail(body, response.status, "Search"), true);
      return;
    }
    this.render(q, body.results);
  }

  render(q, hits) {
    this.results.replaceChildren(...hits.map((hit) => this.resultItem(hit)));
    const words = hits.length === 1 ? "1 result" : `${hits.length} results`;
    this.setStatus(hits.length ? "" : `No results for “${q}”.`);
    this.announce(`${words} for ${q}`);
    this.dispatchEvent(new CustomEvent("footnote-results", {
      bubbles: true, detail: { query: q, count: hits.length },
    }));
  }

  resultItem(hit) {
    const item = el("li", "result");
    item.append(link(hit.url, "hit title", hit.title || "Untitled"));
    const meta = el("div", "meta");
    const published = day(hit.published);
    if (published) meta.append(published);
    if (hit.author) meta.append(` · ${hit.author}`);
    if (meta.childNodes.length) item.append(meta);
    const passages = el("ul");
    for (const passage of hit.passages || []) {
      const row = el("li");
      const anchor = link(passage.url, "hit");
      anchor.append(el("span", "section", passage.heading || "Introduction"));
      const text = el("p", "passage");
      text.append(...passageNodes(passage.highlighted, { links: false }));
      anchor.append(text);
      row.append(anchor);
      passages.append(row);
    }
    item.append(passages);
    return item;
  }

  ask() {
    const question = this.box.value.trim();
    if (this.getAttribute("ask") === "off") return;
    if (!question) return this.setStatus("Type a question first, then press Ask.", true);
    this.remember(question);
    this.asker.ask(question);
  }

  unavailable() {
    this.results.replaceChildren();
    this.setStatus(UNAVAILABLE, true);
    this.announce(UNAVAILABLE);
  }

  showRecent() {
    const list = this.recent.querySelector("ul");
    const items = readRecent().map((q) => {
      const button = el("button", "", q);
      button.type = "button";
      button.addEventListener("click", () => {
        this.box.value = q;
        this.box.focus();
        this.run(true);
      });
      const row = el("li");
      row.append(button);
      return row;
    });
    list.replaceChildren(...items);
    this.recent.hidden = items.length === 0;
  }

  remember(q) {
    if (!q) return;
    const kept = [q, ...readRecent().filter((old) => old !== q)].slice(0, RECENT_MAX);
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(kept));
    } catch {
      // storage is off (private mode, sandboxed frame): recents are a nicety only
    }
  }

  setStatus(message, isError = false) {
    this.status.textContent = message;
    this.status.classList.toggle("error", isError);
  }

  announce(message) {
    this.live.textContent = "";
    setTimeout(() => { this.live.textContent = message; }, 50);
  }
}

function readRecent() {
  try {
    const kept = JSON.parse(localStorage.getItem(RECENT_KEY) || "[]");
    return Array.isArray(kept) ? kept.filter((q) => typeof q === "string") : [];
  } catch {
    return [];
  }
}

if (!customElements.get("footnote-search")) customElements.define("footnote-search", FootnoteSearch);
