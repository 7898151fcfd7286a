// Live search and the Ask panel for the reader's page. Progressive enhancement: without this
// script the form is a plain GET to /?q=...&mode=... and the server renders the same markup
// built here; the Ask button and the answer panel stay hidden.
"use strict";

(() => {
  const DEBOUNCE_MS = 250;
  // As-you-type results are not counted in the editors' reports: the search is counted once
  // the reader settles on it (Enter, a result opened, or this long without typing).
  const SETTLE_MS = 1500;
  const MIN_CHARS = 2;
  const PAGE_SIZE = 10;
  const DEFAULT_MODE = "hybrid";
  const PAGE_TITLE = "The Backend Ledger — search";
  // Formatted by hand, as the template does, so both paths print "18 April 2023".
  const MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
  ];
  // The template applies the same rule (WEB_LINK_PATTERN in indexer/ingest/fields.py): only
  // absolute http(s) URLs with a plain host and paths on this site become hrefs; never `//host`
  // or a backslash, which browsers follow to another site, nor whitespace, control or
  // invisible characters, some of which they drop.
  const UNSEEN =
    "\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891" +
    "\\u08e2\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000" +
    "\\ufeff\\ufff9-\\ufffb";
  const WEB_LINK = new RegExp(
    `^(?:https?://[^${UNSEEN}\\\\/?#@\\[\\]:]+(?::[0-9]{1,5})?(?:[/?#][^${UNSEEN}\\\\]*)?` +
      `|/(?:[^${UNSEEN}\\\\/][^${UNSEEN}\\\\]*)?)$`,
    "iu",
  );

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
  let settleTimer = 0;
  // The as-you-type search on screen that is not counted yet, as its request parameters.
  let uncounted = null;
  // What the page shows now, so keys that do not change the query cost no request.
  let shown = { q: box.value.trim(), mode: modeSelect.value };

  const longEnough = (q) => q.replace(/\s+/g, "").length >= MIN_CHARS;

  function run(force) {
    clearTimeout(timer);
    clearTimeout(settleTimer);
    uncounted = null;
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
    fetchResults(q, mode, force);
  }

  function searchParams(q, mode) {
    return new URLSearchParams({ q, mode, k: String(PAGE_SIZE) });
  }

  // Repeats the shown search so that it is counted (the query's vector is cached by then);
  // the results on screen stay, and opens are reported under the counted search's id.
  async function countShown(options = {}) {
    clearTimeout(settleTimer);
    const params = uncounted;
    uncounted = null;
    if (!params) return shownQueryId;
    try {
      const response = await fetch(`${endpoint}?${params}`, {
        headers: { Accept: "application/json" }, ...options,
      });
      const body = await response.json().catch(() => null);
      const stillShown = shown.q === params.get("q") && shown.mode === params.get("mode");
      if (response.ok && body && typeof body.query_id === "string" && stillShown) {
        shownQueryId = body.query_id;
      }
    } catch (error) {
      // Not counted: the reader's results are already on screen, nothing to tell them.
    }
    return shownQueryId;
  }

  async function fetchResults(q, mode, counted) {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;
    setBusy(true);
    const params = searchParams(q, mode);
    if (!counted) params.set("record", "false");
    try {
      const response = await fetch(`${endpoint}?${params}`, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => null);
      if (controller !== inFlight) return;
      if (response.ok && body && Array.isArray(body.results)) {
        render(body, q);
        if (!counted) {
          uncounted = searchParams(q, mode);
          settleTimer = setTimeout(countShown, SETTLE_MS);
        }
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

  function errorDetail(body, status, what = "Search") {
    if (body && typeof body.detail === "string" && body.detail) return body.detail;
    return `${what} failed (HTTP ${status}). Please try again.`;
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

  // Which search the results on screen came from: opening one is reported under its id.
  let shownQueryId = null;
  list.addEventListener("click", (event) => {
    const opened = event.target.closest && event.target.closest("a.result-title");
    const item = opened && opened.closest("li.result");
    if (!item || !item.dataset.articleId || !navigator.sendBeacon) return;
    const articleId = item.dataset.articleId;
    const report = (queryId) => {
      if (!queryId) return;
      const body = JSON.stringify({ query_id: queryId, article_id: articleId });
      navigator.sendBeacon("/events/open", new Blob([body], { type: "application/json" }));
    };
    // Opening a result settles the search: count it first (keepalive outlives the page).
    if (uncounted) countShown({ keepalive: true }).then(report);
    else report(shownQueryId);
  });

  function render(body, q) {
    shownQueryId = typeof body.query_id === "string" ? body.query_id : null;
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
    if (hit.article_id) item.dataset.articleId = hit.article_id;
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
    text.append(...passageNodes(passage.highlighted));
    quote.append(text);
    item.append(heading, quote);
    return item;
  }

  // The server escapes each passage and adds only these elements (its Markdown's emphasis,
  // code and web links, and <mark>); copying them node by node, never through innerHTML,
  // keeps any other markup out even if that promise were ever broken. DOMParser's document
  // is inert: nothing in it runs or loads.
  const PASSAGE_TAGS = new Set(["MARK", "EM", "STRONG", "CODE", "A"]);

  function passageNodes(markup) {
    const parsed = new DOMParser().parseFromString(String(markup || ""), "text/html");
    return allowedCopies(parsed.body);
  }

  function allowedCopies(source) {
    const nodes = [];
    for (const child of source.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        nodes.push(document.createTextNode(child.data));
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const inner = allowedCopies(child);
      const href = child.tagName === "A" ? child.getAttribute("href") : null;
      if (!PASSAGE_TAGS.has(child.tagName) || (child.tagName === "A" && !WEB_LINK.test(href || ""))) {
        nodes.push(...inner); // an element we did not make: its text only
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
    clearTimeout(settleTimer);
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
  setUpAsk();

  // --- Ask: one answer job at a time, streamed into #answer-panel ------------------------

  function setUpAsk() {
    const askButton = document.getElementById("ask-button");
    const panel = document.getElementById("answer-panel");
    const parts = {};
    for (const name of ["close", "question", "kind", "status", "text", "sources", "citeList",
      "suggestions", "suggestionList", "footer"]) {
      const id = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      parts[name] = document.getElementById(`answer-${id}`);
    }
    if (!askButton || !panel || Object.values(parts).includes(null)) return;

    const askEndpoint = form.dataset.askEndpoint || "/ask";
    const POLL_MS = 500;
    // EventSource retries on its own (resuming with Last-Event-ID); after this many errors in
    // a row without an event in between, polling the status URL is the better bet.
    const STREAM_ERRORS_BEFORE_POLLING = 3;
    const TERMINAL = new Set(["succeeded", "failed", "cancelled", "expired"]);
    let asks = 0;
    let current = null;

    askButton.hidden = false;
    askButton.addEventListener("click", () => ask());
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
      event.preventDefault();
      ask();
    });
    parts.close.addEventListener("click", () => {
      stop();
      panel.hidden = true;
      box.focus();
    });
    if (/Mac|iPhone|iPad/.test(navigator.platform || "")) {
      for (const key of document.querySelectorAll(".ask-modifier")) key.textContent = "⌘";
    }

    async function ask() {
      const question = box.value.trim();
      stop();
      const job = {
        seq: ++asks, id: null, text: "", source: null, timer: 0, done: false,
        started: performance.now(),
      };
      current = job;
      reset(question);
      if (!question) {
        fail(job, "Type a question first, then press Ask.");
        box.focus();
        return;
      }
      setStatus("Thinking…");
      let response;
      let body;
      try {
        response = await fetch(askEndpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ question }),
        });
        body = await response.json().catch(() => null);
      } catch {
        if (current === job) {
          fail(job, "Ask could not reach the server. Check your connection and try again.");
        }
        return;
      }
      const accepted = response.ok && body && typeof body.job_id === "string";
      if (current !== job) {
        // A newer question was asked while this one was being submitted.
        if (accepted) cancelJob(body.status_url);
        return;
      }
      if (!accepted) {
        fail(job, errorDetail(body, response.status, "Ask"));
        return;
      }
      job.id = body.job_id;
      job.statusUrl = body.status_url;
      if (typeof EventSource === "function" && body.events_url) stream(job, body.events_url);
      else poll(job);
    }

    // Stops following the current job, and cancels it on the server unless it has finished.
    function stop() {
      const job = current;
      current = null;
      if (!job) return;
      closeStream(job);
      clearTimeout(job.timer);
      if (job.id && !job.done) cancelJob(job.statusUrl);
    }

    function cancelJob(statusUrl) {
      if (!statusUrl) return;
      fetch(statusUrl, { method: "DELETE", keepalive: true }).catch(() => {});
    }

    function stream(job, url) {
      const source = new EventSource(url);
      job.source = source;
      let errors = 0;
      const on = (kind, handle) => source.addEventListener(kind, (event) => {
        if (current !== job) return;
        errors = 0;
        const data = parseJson(event.data);
        if (data) handle(data);
      });
      on("status", (data) => onState(job, data));
      on("token", (data) => {
        if (typeof data.text === "string") onToken(job, data.text);
      });
      on("result", (data) => {
        closeStream(job);
        finish(job, data);
      });
      source.addEventListener("error", () => {
        if (current !== job) return;
        errors += 1;
        if (source.readyState === EventSource.CLOSED || errors >= STREAM_ERRORS_BEFORE_POLLING) {
          closeStream(job);
          poll(job);
        }
      });
    }

    function closeStream(job) {
      if (job.source) job.source.close();
      job.source = null;
    }

    async function poll(job) {
      if (current !== job) return;
      try {
        const response = await fetch(job.statusUrl, { headers: { Accept: "application/json" } });
        const body = await response.json().catch(() => null);
        if (current !== job) return;
        if (response.ok && body && TERMINAL.has(body.state)) {
          finish(job, body);
          return;
        }
        if (response.ok && body) onState(job, body);
        else if (response.status >= 400 && response.status < 500) {
          fail(job, errorDetail(body, response.status, "Ask"));
          return;
        }
      } catch {
        if (current !== job) return;
        setStatus("Lost the connection; trying again…");
      }
      job.timer = setTimeout(() => poll(job), POLL_MS);
    }

    function onState(job, data) {
      if (data.state === "queued" && data.retry_in_s !== undefined) {
        // A retried attempt streams its answer again from the start.
        showStreamed(job, "");
        setStatus("The answer service is busy; trying again…");
      } else if (data.state === "running" && Number(data.attempt) > 1) {
        showStreamed(job, "");
        setStatus("Thinking…");
      } else if (!TERMINAL.has(data.state) && !job.text) {
        setStatus("Thinking…");
      }
    }

    function onToken(job, text) {
      if (!job.text) setStatus("Writing…");
      showStreamed(job, job.text + text);
    }

    function showStreamed(job, text) {
      job.text = text;
      parts.text.textContent = text;
      parts.text.classList.toggle("is-streaming", text !== "");
    }

    function finish(job, out) {
      job.done = true;
      if (out.state === "succeeded" && out.result && typeof out.result === "object") {
        renderAnswer(job, out.result);
      } else if (out.state === "cancelled") {
        setStatus("Cancelled.");
        setBusy(false);
      } else if (out.state === "expired") {
        fail(job, "The answer service was too busy to get to this question. Please ask again.");
      } else {
        fail(job, `failed: ${out.error || "the answer could not be produced"}`);
      }
    }

    function fail(job, message) {
      job.done = true;
      showStreamed(job, "");
      setStatus(message, true);
      setBusy(false);
    }

    function reset(question) {
      panel.hidden = false;
      setBusy(true);
      parts.question.textContent = question ? `“${question}”` : "";
      parts.kind.hidden = true;
      parts.kind.textContent = "";
      parts.kind.className = "answer-kind";
      parts.text.replaceChildren();
      parts.text.classList.remove("is-streaming", "is-abstained");
      parts.sources.hidden = true;
      parts.citeList.replaceChildren();
      parts.suggestions.hidden = true;
      parts.suggestionList.replaceChildren();
      parts.footer.textContent = "";
    }

    function setBusy(busy) {
      panel.setAttribute("aria-busy", String(busy));
      panel.classList.toggle("is-busy", busy);
    }

    function setStatus(message, isError = false) {
      parts.status.textContent = message;
      parts.status.classList.toggle("is-error", isError);
    }

    function renderAnswer(job, result) {
      const text = typeof result.answer === "string" ? result.answer : "";
      const abstained = Boolean(result.abstained) || result.kind === "abstained";
      const citations = new Map();
      if (!abstained && Array.isArray(result.citations)) {
        for (const citation of result.citations) citations.set(String(citation.number), citation);
      }
      const quoteId = (number) => `answer-quote-${job.seq}-${number}`;

      showKind(result, abstained);
      setStatus("");
      parts.text.classList.remove("is-streaming");
      parts.text.classList.toggle("is-abstained", abstained);
      if (citations.size) parts.text.replaceChildren(...withMarkers(text, citations, quoteId));
      else parts.text.textContent = text;

      const sources = [...citations.values()].map((c) => sourceItem(c, quoteId(c.number)));
      parts.citeList.replaceChildren(...sources);
      parts.sources.hidden = sources.length === 0;

      const suggestions = abstained && Array.isArray(result.suggestions) ? result.suggestions : [];
      parts.suggestionList.replaceChildren(...suggestions.map(suggestionItem));
      parts.suggestions.hidden = suggestions.length === 0;

      parts.footer.textContent = footerNote(job, result);
      setBusy(false);
    }

    function showKind(result, abstained) {
      let label;
      let variant;
      if (abstained) {
        label = "Not answered by the articles";
        variant = "is-abstained";
      } else if (result.kind === "llm") {
        const model = typeof result.model === "string" && result.model ? result.model : "an AI model";
        label = `Generated by ${model}, checked against the sources`;
        variant = "is-generated";
      } else {
        label = "Extractive (quoted from the articles, no AI model)";
        variant = "is-extractive";
      }
      parts.kind.textContent = label;
      parts.kind.className = `answer-kind ${variant}`;
      parts.kind.hidden = false;
    }

    // The answer is plain text; only its [n] markers become elements, all text goes in as text.
    function withMarkers(text, citations, quoteId) {
      const pieces = text.split(/\[(\d+)\]/);
      const nodes = [];
      pieces.forEach((piece, index) => {
        if (index % 2 === 0) {
          if (piece) nodes.push(document.createTextNode(piece));
          return;
        }
        const citation = citations.get(piece);
        if (!citation) {
          nodes.push(document.createTextNode(`[${piece}]`));
          return;
        }
        const button = element("button", "cite", `[${piece}]`);
        button.type = "button";
        button.title = citation.title || `Source ${piece}`;
        button.setAttribute("aria-expanded", "false");
        button.setAttribute("aria-controls", quoteId(piece));
        button.addEventListener("click", () => toggleQuote(quoteId(piece), true));
        nodes.push(button);
      });
      return nodes;
    }

    function sourceItem(citation, id) {
      const item = element("li", "cite-item");
      item.dataset.number = String(citation.number);
      const summary = element("p", "cite-summary");
      summary.append(element("span", "cite-number", `[${citation.number}]`), " ");
      summary.append(link(citation.url, "cite-title", citation.title || "Untitled article"));
      const meta = element("span", "cite-meta");
      if (citation.heading) meta.append(element("span", "cite-heading", citation.heading));
      if (citation.published) meta.append(day(citation.published));
      if (meta.childElementCount) summary.append(" ", meta);

      const toggle = element("button", "cite-toggle", "Show quote");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", id);
      toggle.addEventListener("click", () => toggleQuote(id, false));

      const quoteBox = element("div", "cite-box");
      quoteBox.id = id;
      quoteBox.hidden = true;
      const quote = element("blockquote", "cite-quote");
      const href = summary.querySelector("a.cite-title");
      if (href) quote.setAttribute("cite", href.getAttribute("href"));
      quote.append(element("p", "cite-passage", citation.quote || ""));
      quoteBox.append(quote);
      item.append(summary, toggle, quoteBox);
      return item;
    }

    function toggleQuote(id, fromMarker) {
      const quoteBox = document.getElementById(id);
      if (!quoteBox) return;
      const open = quoteBox.hidden;
      const item = quoteBox.closest(".cite-item");
      quoteBox.hidden = !open;
      item.classList.toggle("is-open", open);
      for (const control of panel.querySelectorAll(`[aria-controls="${id}"]`)) {
        control.setAttribute("aria-expanded", String(open));
        if (control.classList.contains("cite-toggle")) {
          control.textContent = open ? "Hide quote" : "Show quote";
        }
      }
      if (open && fromMarker) {
        const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        item.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
      }
    }

    function suggestionItem(suggestion) {
      const item = element("li", "suggestion");
      item.append(link(suggestion.url, "suggestion-title", suggestion.title || "Untitled article"));
      const meta = element("span", "cite-meta");
      if (suggestion.heading) meta.append(element("span", "cite-heading", suggestion.heading));
      if (suggestion.published) meta.append(day(suggestion.published));
      if (meta.childElementCount) item.append(" ", meta);
      return item;
    }

    // Timed here rather than from `timings_ms`, which leaves out the wait for a worker.
    function footerNote(job, result) {
      if (result.cached) return "Answered earlier; shown from the answer cache.";
      const seconds = (performance.now() - job.started) / 1000;
      return `Answered in ${seconds.toFixed(1)} s.`;
    }
  }

  function parseJson(text) {
    try {
      const value = JSON.parse(text);
      return value && typeof value === "object" ? value : null;
    } catch {
      return null;
    }
  }
})();
