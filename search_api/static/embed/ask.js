// Ask inside the widget: POST /ask, then the answer streamed from /jobs/{id}/events (polling
// the job when the stream keeps failing), its [n] markers turned into buttons that reveal the
// quoted passage. All requests go without cookies.
import { day, el, errorDetail, link, parseJson } from "./dom.js";

const POLL_MS = 500;
const STREAM_ERRORS_BEFORE_POLLING = 3;
const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
const UNAVAILABLE = "Search unavailable: this site cannot reach the search service.";

export function createAsk({ api, panel, announce, filters }) {
  const status = el("p", "status");
  status.setAttribute("role", "status");
  const kind = el("p", "meta");
  const text = el("p", "answer-text");
  const sources = el("ol", "sources");
  panel.append(el("h2", "", "Answer"), kind, status, text, sources);
  let current = null;
  let asks = 0;

  async function ask(question) {
    stop();
    const job = { seq: ++asks, id: null, source: null, timer: 0, done: false, text: "" };
    current = job;
    panel.hidden = false;
    panel.setAttribute("aria-busy", "true");
    kind.textContent = "";
    text.replaceChildren();
    sources.replaceChildren();
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
      if (current === job) fail(job, UNAVAILABLE);
      return;
    }
    if (current !== job) return;
    if (!response.ok || !body || typeof body.job_id !== "string") {
      fail(job, errorDetail(body, response.status, "Ask"));
      return;
    }
    job.id = body.job_id;
    job.statusUrl = new URL(body.status_url, api);
    if (typeof EventSource === "function" && body.events_url) {
      stream(job, new URL(body.events_url, api));
    } else poll(job);
  }

  function stop() {
    const job = current;
    current = null;
    if (!job) return;
    if (job.source) job.source.close();
    clearTimeout(job.timer);
    if (job.id && !job.done) {
      fetch(job.statusUrl, { method: "DELETE", credentials: "omit", keepalive: true })
        .catch(() => {});
    }
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
    on("token", (data) => {
      if (typeof data.text !== "string") return;
      if (!job.text) setStatus("Writing…");
      job.text += data.text;
      text.textContent = job.text;
    });
    on("result", (data) => {
      source.close();
      finish(job, data);
    });
    source.addEventListener("error", () => {
      if (current !== job) return;
      errors += 1;
      if (source.readyState === EventSource.CLOSED || errors >= STREAM_ERRORS_BEFORE_POLLING) {
        source.close();
        poll(job);
      }
    });
  }

  async function poll(job) {
    if (current !== job) return;
    try {
      const response = await fetch(job.statusUrl, { credentials: "omit" });
      const body = await response.json().catch(() => null);
      if (current !== job) return;
      if (response.ok && body && TERMINAL.has(body.state)) return finish(job, body);
      if (response.status >= 400 && response.status < 500) {
        return fail(job, errorDetail(body, response.status, "Ask"));
      }
    } catch {
      if (current !== job) return;
      setStatus("Lost the connection; trying again…");
    }
    job.timer = setTimeout(() => poll(job), POLL_MS);
  }

  function finish(job, out) {
    job.done = true;
    if (out.state !== "succeeded" || !out.result || typeof out.result !== "object") {
      return fail(job, out.state === "cancelled" ? "Cancelled." : `Ask failed: ${out.error || "no answer"}`);
    }
    render(job, out.result);
  }

  function render(job, result) {
    const abstained = Boolean(result.abstained) || result.kind === "abstained";
    const cited = new Map();
    if (!abstained && Array.isArray(result.citations)) {
      for (const citation of result.citations) cited.set(String(citation.number), citation);
    }
    const quoteId = (n) => `fn-quote-${job.seq}-${n}`;
    kind.textContent = abstained ? "Not answered by the articles"
      : result.kind === "llm" ? "Generated, checked against the sources"
        : "Quoted from the articles";
    const answer = typeof result.answer === "string" ? result.answer : "";
    text.replaceChildren(...markers(answer, cited, quoteId));
    sources.replaceChildren(...[...cited.values()].map((c) => source(c, quoteId(c.number))));
    setStatus("");
    panel.setAttribute("aria-busy", "false");
    announce(abstained ? "The articles do not answer this." : "Answer ready.");
  }

  function markers(answer, cited, quoteId) {
    return answer.split(/\[(\d+)\]/).map((piece, index) => {
      if (index % 2 === 0 || !cited.has(piece)) {
        return document.createTextNode(index % 2 === 0 ? piece : `[${piece}]`);
      }
      const button = el("button", "cite", `[${piece}]`);
      button.type = "button";
      button.setAttribute("aria-label", `Source ${piece}: ${cited.get(piece).title || ""}`);
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", quoteId(piece));
      button.addEventListener("click", () => toggle(quoteId(piece), button));
      return button;
    });
  }

  function source(citation, id) {
    const item = el("li", "result");
    item.append(link(citation.url, "title", `[${citation.number}] ${citation.title || "Untitled"}`));
    const meta = el("div", "meta");
    if (citation.heading) meta.append(el("span", "section", citation.heading), " ");
    const published = day(citation.published);
    if (published) meta.append(published);
    const quote = el("blockquote", "quote", citation.quote || "");
    quote.id = id;
    quote.hidden = true;
    item.append(meta, quote);
    return item;
  }

  function toggle(id, button) {
    const quote = panel.getRootNode().getElementById(id);
    if (!quote) return;
    quote.hidden = !quote.hidden;
    for (const control of panel.querySelectorAll(`[aria-controls="${id}"]`)) {
      control.setAttribute("aria-expanded", String(!quote.hidden));
    }
    if (!quote.hidden) quote.scrollIntoView({ block: "nearest" });
    button.focus();
  }

  function fail(job, message) {
    job.done = true;
    text.textContent = "";
    setStatus(message, true);
    panel.setAttribute("aria-busy", "false");
    announce(message);
  }

  function setStatus(message, isError = false) {
    status.textContent = message;
    status.classList.toggle("error", isError);
  }

  return { ask, stop };
}
