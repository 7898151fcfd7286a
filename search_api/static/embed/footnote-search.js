// <footnote-search>: Footnote's reader interface (search as you type and Ask), for any page
// and for Footnote's own `/`. A site adds
//   <script type="module" src="https://search.example.com/embed.js"></script>
//   <footnote-search></footnote-search>
// Attributes: api (defaults to where this script came from), placeholder, ask="off",
// tag (comma-separated), author, hotkey (a letter for Ctrl/Cmd+letter; "none": no hotkeys),
// layout="page" (inline instead of a button and a dialog; the element's children are the
// no-JavaScript fallback, replaced once it runs).
import { createAsk } from "./embed/ask.js";
import { el } from "./embed/dom.js";
import { isTyping, keepFocus, moveFocus, trapTab } from "./embed/keys.js";
import { keysHelp, MODAL, MODE_VALUES, PAGE } from "./embed/markup.js";
import { countText, foldLongPassages, intentText, resultItem } from "./embed/results.js";
import { createSearcher } from "./embed/searcher.js";
import { CSS } from "./embed/style.js";

const DEBOUNCE_MS = 30;
const MIN_CHARS = 2;
const RECENT_KEY = "footnote-search:recent";
const RECENT_MAX = 6;
const MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
const SHEET = new CSSStyleSheet();
SHEET.replaceSync(CSS);

const longEnough = (q) => q.replace(/\s+/g, "").length >= MIN_CHARS;

class FootnoteSearch extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) this.build();
    this.onHotkey = (event) => this.hotkey(event);
    document.addEventListener("keydown", this.onHotkey);
  }

  disconnectedCallback() {
    document.removeEventListener("keydown", this.onHotkey);
    this.asker?.stop();
    this.searcher?.cancel();
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
    this.inline = this.getAttribute("layout") === "page";
    // The fallback's search box had autofocus: the reader may already be typing into it.
    const hadFocus = this.inline && (this.contains(document.activeElement) ||
      document.activeElement === document.body);
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [SHEET];
    root.innerHTML = this.inline ? PAGE : MODAL;
    if (this.inline) this.replaceChildren();
    const $ = (selector) => root.querySelector(selector);
    Object.assign(this, {
      frame: $(this.inline ? ".frame" : "dialog"), form: $("form"), box: $("#q"),
      mode: $("#mode"), count: $("#result-count"), intent: $("#date-intent"),
      recent: $(".recent"), results: $("#results"), opener: $(".open"),
    });
    const key = (this.getAttribute("hotkey") || "k").toUpperCase();
    if (this.opener) {
      $(".hotkey").textContent = `${MAC ? "⌘" : "Ctrl"} ${key}`;
      $(".hotkey").hidden = key === "NONE";
      this.opener.addEventListener("click", () => this.open());
      $(".close").addEventListener("click", () => this.frame.close());
      this.frame.addEventListener("close", () => this.closed());
      this.frame.addEventListener("click", (event) => {
        if (event.target === this.frame) this.frame.close(); // the backdrop
      });
    }
    // Each layout keeps its own controls: inline, the Search button, the mode menu and the
    // help line; in the dialog, Close.
    const unused = this.inline ? [".close"] : [".search-button", ".mode", ".search-help"];
    for (const node of root.querySelectorAll(unused.join(","))) node.remove();
    if (!this.inline) this.box.setAttribute("aria-describedby", "search-keys");
    $("#search-keys").innerHTML = keysHelp(this.inline, MAC ? "⌘" : "Ctrl");
    this.box.placeholder = this.getAttribute("placeholder") ||
      (this.inline ? "e.g. how do I retry a Celery task safely?" : "Search the articles");
    const askButton = $("#ask-button");
    askButton.hidden = this.getAttribute("ask") === "off";
    const { tags, author } = this.filters;
    this.asker = createAsk({
      api: this.api, panel: $("#answer-panel"), onClose: () => this.box.focus(),
      filters: tags.length || author ? { tags, ...(author ? { author } : {}) } : null,
    });
    this.searcher = createSearcher({
      api: this.api, size: this.inline ? 10 : 8, filters: this.filters,
      show: (body, q) => this.show(body, q), fail: (message) => this.fail(message),
      busy: (busy) => this.busy(busy),
    });
    askButton.addEventListener("click", () => this.ask());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run(true);
    });
    this.frame.addEventListener("keydown", (event) => this.keys(event));
    this.box.addEventListener("input", () => this.schedule());
    this.mode?.addEventListener("change", () => this.run(false));
    this.results.addEventListener("click", (event) => this.opened(event));
    if (this.inline) this.start(hadFocus);
  }

  // Inline, the page's address holds the search to show, as the server rendered it.
  start(focus) {
    const params = new URLSearchParams(location.search);
    const q = (params.get("q") || "").trim();
    const mode = params.get("mode");
    if (MODE_VALUES.includes(mode)) this.mode.value = mode;
    this.box.value = params.get("q") || "";
    // The server's title is "<query> · <the page's own title>".
    const cut = q ? document.title.lastIndexOf(" · ") : -1;
    this.pageTitle = cut < 0 ? document.title : document.title.slice(cut + 3);
    this.shown = { q, mode: this.mode.value };
    if (q) this.searcher.search(q, this.mode.value, "never");
    else this.showRecent();
    if (focus) {
      this.box.focus();
      this.box.setSelectionRange(this.box.value.length, this.box.value.length);
    }
  }

  hotkey(event) {
    const key = (this.getAttribute("hotkey") || "k").toLowerCase();
    if (key === "none" || this.frame.open || event.defaultPrevented || event.isComposing) return;
    const withModifier = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === key;
    const slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
      !isTyping(event.composedPath()[0]);
    if (!withModifier && !slash) return;
    event.preventDefault();
    if (this.inline) {
      this.box.focus();
      this.box.select();
    } else this.open();
  }

  open() {
    if (this.frame.open) return;
    this.returnTo = document.activeElement;
    this.frame.showModal();
    this.box.focus();
    this.box.select();
    if (!this.box.value.trim()) this.showRecent();
  }

  closed() {
    this.asker.stop();
    // Closing on results is settling on them: the search is counted now.
    this.searcher.countShown({ keepalive: true });
    const back = this.returnTo && this.returnTo !== document.body ? this.returnTo : this.opener;
    (back.isConnected ? back : this.opener).focus();
  }

  keys(event) {
    const root = this.shadowRoot;
    const inBox = event.composedPath()[0] === this.box;
    if (inBox && event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) this.ask();
      else this.run(true);
    } else if (inBox && event.key === "Escape" && this.inline && this.box.value) {
      // Replaces the browser's own clearing of search fields, which would skip our reset.
      event.preventDefault();
      this.box.value = "";
      this.run(false);
    } else if (!event.isComposing && (moveFocus(event, {
      root, box: this.box, recent: this.recent, results: this.results, inline: this.inline,
    }) || (!this.inline && trapTab(event, { root, dialog: this.frame })))) {
      event.preventDefault();
    }
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(false), DEBOUNCE_MS);
  }

  // `force`: Enter, which searches whatever was typed and counts it.
  run(force) {
    clearTimeout(this.timer);
    const q = this.box.value.trim();
    const mode = this.inline ? this.mode.value : undefined;
    const same = this.shown && this.shown.q === q && this.shown.mode === mode;
    if (!force && same) return;
    this.shown = { q, mode };
    if (this.inline) this.syncUrl(q, mode);
    if (q === "" || (!force && !longEnough(q))) {
      this.searcher.cancel();
      this.replaceResults([]);
      this.setCount("");
      this.intent.hidden = true;
      this.showRecent();
      return;
    }
    this.recent.hidden = true;
    if (force) this.remember(q);
    this.searcher.search(q, mode, force);
  }

  syncUrl(q, mode) {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (q || mode !== MODE_VALUES[0]) params.set("mode", mode);
    const search = params.toString();
    history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}`);
    document.title = q ? `${q} · ${this.pageTitle}` : this.pageTitle;
  }

  show(body, q) {
    this.recent.hidden = true;
    this.replaceResults(body.results.map(resultItem));
    foldLongPassages(this.results);
    this.setCount(countText(body.total ?? body.results.length, q));
    this.intent.textContent = intentText(body.date_intent);
    this.intent.hidden = !body.date_intent;
    this.dispatchEvent(new CustomEvent("footnote-results", {
      bubbles: true, detail: { query: q, count: body.results.length },
    }));
  }

  fail(message) {
    this.replaceResults([]);
    this.intent.hidden = true;
    this.setCount(message, true);
  }

  replaceResults(items) {
    keepFocus(this.results, this.box, () => this.results.replaceChildren(...items));
  }

  busy(busy) {
    this.form.classList.toggle("is-loading", busy);
    if (busy) this.results.setAttribute("aria-busy", "true");
    else this.results.removeAttribute("aria-busy");
  }

  setCount(message, isError = false) {
    this.count.textContent = message;
    this.count.classList.toggle("is-error", isError);
  }

  opened(event) {
    const link = event.target.closest("a.result-title, a.passage-link");
    const item = link && link.closest("li.result");
    if (!item) return;
    this.remember(this.box.value.trim());
    this.searcher.opened(item.dataset.articleId);
  }

  ask() {
    if (this.getAttribute("ask") === "off") return;
    const question = this.box.value.trim();
    this.remember(question);
    this.asker.ask(question);
    if (!question) this.box.focus();
  }

  showRecent() {
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
    this.recent.querySelector("ul").replaceChildren(...items);
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
