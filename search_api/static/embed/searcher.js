// The searches behind the results on screen: one request at a time (a newer one aborts the
// older), and what the editors' reports count. As-you-type requests are sent with
// record=false; the search is counted once the reader settles on it (Enter, a result opened,
// or SETTLE_MS without typing), by repeating it, and opening a result is reported under the
// counted search's id. Requests go without cookies.
import { errorDetail } from "./dom.js";

const SETTLE_MS = 1500;
const UNAVAILABLE =
  "Search unavailable: the search service cannot be reached from here. Press Enter to retry.";

export function createSearcher({ api, size, filters, show, fail, busy }) {
  let inFlight = null;
  let settleTimer = 0;
  let uncounted = null; // the shown search's parameters, while it is not counted
  let queryId = null; // the id the shown results are reported under
  let generation = 0; // which search is on screen

  function params(q, mode) {
    const out = new URLSearchParams({ q, k: String(size) });
    if (mode) out.set("mode", mode);
    for (const tag of filters.tags) out.append("tag", tag);
    if (filters.author) out.set("author", filters.author);
    return out;
  }

  const request = (query, options = {}) => fetch(new URL(`search?${query}`, api), {
    credentials: "omit", headers: { Accept: "application/json" }, ...options,
  });

  // `counted`: Enter was pressed, count it now; "never": show it only (a page loaded with ?q=,
  // which its reader did not just type); otherwise count it if the reader settles on it.
  async function search(q, mode, counted) {
    cancel();
    const mine = generation;
    const controller = new AbortController();
    inFlight = controller;
    busy(true);
    const query = params(q, mode);
    if (counted !== true) query.set("record", "false");
    let response;
    let body;
    try {
      response = await request(query, { signal: controller.signal });
      body = await response.json().catch(() => null);
    } catch (error) {
      if (controller === inFlight && error.name !== "AbortError") fail(UNAVAILABLE);
      return;
    } finally {
      if (controller === inFlight) busy(false);
    }
    if (controller !== inFlight) return;
    inFlight = null;
    if (mine !== generation) return;
    if (!response.ok || !body || !Array.isArray(body.results)) {
      fail(errorDetail(body, response.status, "Search"));
      return;
    }
    queryId = typeof body.query_id === "string" ? body.query_id : null;
    if (counted === false) {
      uncounted = params(q, mode);
      settleTimer = setTimeout(countShown, SETTLE_MS);
    }
    show(body, q);
  }

  // Repeats the shown search so that it is counted (its query vector is cached by then); the
  // results on screen stay.
  async function countShown(options = {}) {
    clearTimeout(settleTimer);
    const query = uncounted;
    const mine = generation;
    uncounted = null;
    if (!query) return queryId;
    try {
      const response = await request(query, options);
      const body = await response.json().catch(() => null);
      if (response.ok && body && typeof body.query_id === "string" && mine === generation) {
        queryId = body.query_id;
      }
    } catch {
      // Not counted: the reader's results are already on screen, nothing to tell them.
    }
    return queryId;
  }

  function opened(articleId) {
    const report = (id) => {
      if (!id || !articleId) return;
      const url = new URL("events/open", api);
      const body = JSON.stringify({ query_id: id, article_id: articleId });
      // A beacon outlives the page, but may only carry JSON to its own origin without a
      // preflight; from another site a keepalive fetch does the same.
      if (url.origin === location.origin && navigator.sendBeacon) {
        navigator.sendBeacon(url, new Blob([body], { type: "application/json" }));
      } else {
        fetch(url, { method: "POST", credentials: "omit", keepalive: true, body,
          headers: { "Content-Type": "application/json" } }).catch(() => {});
      }
    };
    // Opening a result settles the search: count it first (keepalive outlives the page).
    if (uncounted) countShown({ keepalive: true }).then(report);
    else report(queryId);
  }

  // Stops the request in flight and forgets the shown search: nothing on screen is counted.
  function cancel() {
    generation += 1;
    clearTimeout(settleTimer);
    uncounted = null;
    if (inFlight) inFlight.abort();
    inFlight = null;
    busy(false);
  }

  return { search, countShown, opened, cancel };
}
