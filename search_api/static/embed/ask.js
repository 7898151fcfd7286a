// Ask: POST /ask, then the answer streamed from /jobs/{id}/events (polling the job when the
// stream keeps failing) as text, then swapped for the server's rendered `answer_html` (copied
// as passages are), its [n] markers turned into buttons that reveal the quoted passage;
// an answer the articles cannot give says so and lists the closest articles. One answer job
// at a time; requests go without cookies.
import { day, el, errorDetail, link, parseJson, passageNodes } from "./dom.js";

const POLL_MS = 500;
// EventSource retries on its own (resuming with Last-Event-ID); after this many errors in a
// row without an event in between, polling the status URL is the better bet.
const STREAM_ERRORS_BEFORE_POLLING = 3;
const TERMINAL = new Set(["succeeded", "failed", "cancelled", "expired"]);
const UNREACHABLE = "Ask could not reach the server. Check your connection and try again.";
// A constant: no data from the API ever goes through this markup.
const PANEL = `
<div class="answer-top">
  <h2 id="answer-heading" class="answer-heading">Answer</h2>
  <button type="button" class="answer-close" id="answer-close">Close<span class="sr"> the answer</span></button>
</div>
<p class="answer-question" id="answer-question"></p>
<p class="answer-kind" id="answer-kind" hidden></p>
<p class="answer-status" id="answer-status"></p>
<div class="answer-text" id="answer-text"></div>
<div class="answer-sources" id="answer-sources" hidden>
  <h3 class="answer-subheading" id="answer-sources-heading">Sources</h3>
  <ol class="cite-list" id="answer-cite-list" aria-labelledby="answer-sources-heading"></ol>
</div>
<div class="answer-suggestions" id="answer-suggestions" hidden>
  <h3 class="answer-subheading" id="answer-suggestions-heading">Closest articles</h3>
  <ul class="suggestion-list" id="answer-suggestion-list" aria-labelledby="answer-suggestions-heading"></ul>
</div>
<p class="answer-footer" id="answer-footer"></p>`;

export function createAsk({ api, panel, filters, onClose }) {
  panel.innerHTML = PANEL;
  const part = (name) => panel.querySelector(`#answer-${name}`);
  const parts = {
    question: part("question"), kind: part("kind"), status: part("status"), text: part("text"),
    sources: part("sources"), citeList: part("cite-list"), suggestions: part("suggestions"),
    suggestionList: part("suggestion-list"), footer: part("footer"),
  };
  part("close").addEventListener("click", () => {
    stop();
    panel.hidden = true;
    onClose();
  });
  let asks = 0;
  let current = null;

  async function ask(question) {
    stop();
    const job = { seq: ++asks, id: null, text: "", source: null, timer: 0, done: false,
      started: performance.now() };
    current = job;
    reset(question);
    if (!question) return fail(job, "Type a question first, then press Ask.");
    setStatus("Thinking…");
    let response;
    let body;
    try {
      response = await fetch(new URL("ask", api), {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question, ...(filters ? { filters } : {}) }),
      });
      body = await response.json().catch(() => null);
    } catch {
      if (current === job) fail(job, UNREACHABLE);
      return;
    }
    const accepted = response.ok && body && typeof body.job_id === "string";
    if (current !== job) {
      // A newer question was asked while this one was being submitted.
      if (accepted) cancelJob(new URL(body.status_url, api));
      return;
    }
    if (!accepted) return fail(job, errorDetail(body, response.status, "Ask"));
    job.id = body.job_id;
    job.statusUrl = new URL(body.status_url, api);
    if (typeof EventSource === "function" && body.events_url) {
      stream(job, new URL(body.events_url, api));
    } else poll(job);
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
    fetch(statusUrl, { method: "DELETE", credentials: "omit", keepalive: true }).catch(() => {});
  }

  function stream(job, url) {
    const source = new EventSource(url);
    job.source = source;
    let errors = 0;
    const on = (name, handle) => source.addEventListener(name, (event) => {
      if (current !== job) return;
      errors = 0;
      const data = parseJson(event.data);
      if (data) handle(data);
    });
    on("status", (data) => onState(job, data));
    on("token", (data) => {
      if (typeof data.text !== "string") return;
      if (!job.text) setStatus("Writing…");
      showStreamed(job, job.text + data.text);
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
      const response = await fetch(job.statusUrl, {
        credentials: "omit", headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => null);
      if (current !== job) return;
      if (response.ok && body && TERMINAL.has(body.state)) return finish(job, body);
      if (response.ok && body) onState(job, body);
      else if (response.status >= 400 && response.status < 500) {
        return fail(job, errorDetail(body, response.status, "Ask"));
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

  function showStreamed(job, text) {
    job.text = text;
    parts.text.textContent = text;
    parts.text.classList.toggle("is-streaming", text !== "");
  }

  function finish(job, out) {
    job.done = true;
    if (out.state === "succeeded" && out.result && typeof out.result === "object") {
      render(job, out.result);
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

  function render(job, result) {
    const abstained = Boolean(result.abstained) || result.kind === "abstained";
    const cited = new Map();
    if (!abstained && Array.isArray(result.citations)) {
      for (const citation of result.citations) cited.set(String(citation.number), citation);
    }
    const quoteId = (number) => `answer-quote-${job.seq}-${number}`;

    showKind(result, abstained);
    setStatus("");
    parts.text.classList.remove("is-streaming");
    parts.text.classList.toggle("is-abstained", abstained);
    parts.text.replaceChildren(...answerNodes(result, cited, quoteId));

    const sources = [...cited.values()].map((c) => sourceItem(c, quoteId(c.number)));
    parts.citeList.replaceChildren(...sources);
    parts.sources.hidden = sources.length === 0;

    const suggestions = abstained && Array.isArray(result.suggestions) ? result.suggestions : [];
    parts.suggestionList.replaceChildren(...suggestions.map(suggestionItem));
    parts.suggestions.hidden = suggestions.length === 0;

    // Timed here rather than from `timings_ms`, which leaves out the wait for a worker.
    const seconds = (performance.now() - job.started) / 1000;
    parts.footer.textContent = result.cached
      ? "Answered earlier; shown from the answer cache."
      : `Answered in ${seconds.toFixed(1)} s.`;
    setBusy(false);
  }

  function showKind(result, abstained) {
    let label = "Extractive (quoted from the articles, no AI model)";
    let variant = "is-extractive";
    if (abstained) {
      label = "Not answered by the articles";
      variant = "is-abstained";
    } else if (result.kind === "llm") {
      const model = typeof result.model === "string" && result.model ? result.model : "an AI model";
      label = `Generated by ${model}, checked against the sources`;
      variant = "is-generated";
    }
    parts.kind.textContent = label;
    parts.kind.className = `answer-kind ${variant}`;
    parts.kind.hidden = false;
  }

  // The server's safe HTML copied node by node as passages are (an older server sent only the
  // text), then the [n] markers in its text turned into buttons; not inside code or a link,
  // where brackets are the article's own and a button may not go.
  function answerNodes(result, cited, quoteId) {
    if (typeof result.answer_html !== "string") {
      return markers(typeof result.answer === "string" ? result.answer : "", cited, quoteId);
    }
    const cite = (nodes) => nodes.flatMap((node) => {
      if (node.nodeType === Node.TEXT_NODE) return markers(node.data, cited, quoteId);
      if (node.tagName !== "CODE" && node.tagName !== "A") {
        node.replaceChildren(...cite([...node.childNodes]));
      }
      return [node];
    });
    return cite(passageNodes(result.answer_html));
  }

  // Only the [n] markers become elements; all text goes in as text.
  function markers(text, cited, quoteId) {
    return text.split(/\[(\d+)\]/).map((piece, index) => {
      if (index % 2 === 0 || !cited.has(piece)) {
        return document.createTextNode(index % 2 === 0 ? piece : `[${piece}]`);
      }
      const citation = cited.get(piece);
      const button = el("button", "cite", `[${piece}]`);
      button.type = "button";
      button.title = citation.title || `Source ${piece}`;
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", quoteId(piece));
      button.addEventListener("click", () => toggleQuote(quoteId(piece), true));
      return button;
    });
  }

  function sourceItem(citation, id) {
    const item = el("li", "cite-item");
    item.dataset.number = String(citation.number);
    const summary = el("p", "cite-summary");
    summary.append(el("span", "cite-number", `[${citation.number}]`), " ");
    const title = link(citation.url, "cite-title", citation.title || "Untitled article");
    summary.append(title, " ", meta(citation));

    const toggle = el("button", "cite-toggle", "Show quote");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id);
    toggle.addEventListener("click", () => toggleQuote(id, false));

    const box = el("div", "cite-box");
    box.id = id;
    box.hidden = true;
    const quote = el("blockquote", "cite-quote");
    if (title.tagName === "A") quote.setAttribute("cite", title.getAttribute("href"));
    const passage = el("p", "cite-passage");
    if (typeof citation.quote_html === "string") passage.append(...passageNodes(citation.quote_html));
    else passage.textContent = citation.quote || "";
    quote.append(passage);
    box.append(quote);
    item.append(summary, toggle, box);
    return item;
  }

  function meta(of) {
    const node = el("span", "cite-meta");
    if (of.heading) node.append(el("span", "cite-heading", of.heading));
    const published = day(of.published);
    if (published) node.append(published);
    return node;
  }

  function toggleQuote(id, fromMarker) {
    const box = panel.querySelector(`#${id}`);
    if (!box) return;
    const open = box.hidden;
    const item = box.closest(".cite-item");
    box.hidden = !open;
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
    const item = el("li", "suggestion");
    item.append(link(suggestion.url, "suggestion-title", suggestion.title || "Untitled article"));
    item.append(" ", meta(suggestion));
    return item;
  }

  return { ask, stop };
}
