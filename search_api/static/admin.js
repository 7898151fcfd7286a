// The editors' dashboard. The token lives in this tab's sessionStorage and goes out as a
// bearer token: no cookie, so no other site can make the browser act as the editor.
(() => {
  "use strict";
  const KEY = "footnote-editor-token";
  const $ = (id) => document.getElementById(id);
  let timer = null;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  async function api(path, options = {}) {
    const token = sessionStorage.getItem(KEY);
    const response = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || body.error || `HTTP ${response.status}`);
    return body;
  }

  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = !message;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    clearInterval(timer);
    $("dashboard").hidden = true;
    $("sign-out").hidden = true;
    showError(message || "");
  }

  // Jobs give Unix seconds, sync runs ISO 8601 text: both shown in the editor's local time.
  function when(moment) {
    if (!moment) return "";
    return new Date(typeof moment === "number" ? moment * 1000 : moment).toLocaleString();
  }

  function renderIndex(index) {
    const rows = [
      ["Generation", index.generation], ["Articles", index.articles], ["Chunks", index.chunks],
      ["Model", index.model || index.embedder], ["Loaded", index.loaded ? "yes" : "no"],
      ["Refused snapshot", index.refused ? JSON.stringify(index.refused) : "none"],
    ];
    $("index").replaceChildren(...rows.flatMap(([name, value]) => [el("dt", name), el("dd", value)]));
  }

  function renderSources(sources) {
    const body = $("sources").tBodies[0];
    body.replaceChildren(...sources.map((s) => {
      const row = el("tr");
      const last = s.last_run;
      row.append(el("td", s.source), el("td", s.kind), el("td", last ? when(last.finished_at || last.started_at) : "never"),
        el("td", last ? `${last.outcome}${last.error ? `: ${last.error}` : ""}` : ""));
      return row;
    }));
    if (!sources.length) body.append(el("tr")).append(el("td", "No sources configured"));
  }

  function renderJobs(jobs) {
    $("jobs").tBodies[0].replaceChildren(...jobs.map((job) => {
      const row = el("tr");
      row.dataset.state = job.state;
      row.className = `job job-${job.kind}`;
      const progress = el("td");
      if (job.total) {
        const bar = el("progress");
        bar.max = job.total;
        bar.value = job.done;
        progress.append(bar, el("span", ` ${job.done}/${job.total}`));
      }
      const actions = el("td");
      if (!["succeeded", "failed", "cancelled"].includes(job.state)) {
        const cancel = el("button", "Cancel");
        cancel.addEventListener("click", () => act(`/jobs/${job.id}`, "DELETE"));
        actions.append(cancel);
      } else if (job.state !== "succeeded") {
        const retry = el("button", "Retry");
        retry.addEventListener("click", () => act(`/admin/api/jobs/${job.id}/retry`, "POST"));
        actions.append(retry);
      }
      row.append(el("td", job.kind), el("td", job.state, "state"), progress,
        el("td", job.error || ""), actions);
      return row;
    }));
  }

  function renderFailures(last) {
    const items = last ? last.failures_by_reason.map((f) => el("li", `${f.count} × ${f.reason}`)) : [];
    if (last && !items.length) items.push(el("li", "No failures"));
    $("failures").replaceChildren(...items);
  }

  function bars(list, rows, label, count, extra) {
    const most = Math.max(1, ...rows.map(count));
    list.replaceChildren(...rows.map((row) => {
      const item = el("li");
      const bar = el("span", null, "bar");
      bar.style.width = `${Math.round((count(row) / most) * 100)}%`;
      item.append(el("span", `${label(row)} (${count(row)})`), bar);
      if (extra) item.append(el("div", extra(row), "examples"));
      return item;
    }));
    if (!rows.length) list.append(el("li", "Nothing recorded yet"));
  }

  async function refresh() {
    try {
      const [overview, jobs, gaps, queries] = await Promise.all([
        api("/admin/api/overview"), api("/admin/api/jobs"),
        api("/admin/api/reports/gaps"), api("/admin/api/reports/queries"),
      ]);
      showError("");
      $("dashboard").hidden = false;
      $("sign-out").hidden = false;
      renderIndex(overview.index);
      renderSources(overview.sources);
      renderFailures(overview.last_reindex);
      renderJobs(jobs.jobs);
      bars($("gaps"), gaps.gaps, (g) => g.topic, (g) => g.count, (g) => g.examples.join(" · "));
      bars($("top"), queries.top, (q) => q.text, (q) => q.count);
      $("never").replaceChildren(...queries.never_opened.map((q) => el("li", `${q.text} (${q.count})`)));
      if (!queries.never_opened.length) $("never").append(el("li", "Nothing recorded yet"));
      bars($("views"), queries.views, (v) => v.article_id, (v) => v.views);
    } catch (error) {
      signOut(`Could not sign in: ${error.message}`);
    }
  }

  async function act(path, method) {
    try {
      await api(path, { method });
    } catch (error) {
      showError(error.message);
    }
    refresh();
  }

  function start() {
    clearInterval(timer);
    refresh();
    timer = setInterval(refresh, 2000);
  }

  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("sign-out").addEventListener("click", () => signOut());
  $("reindex").addEventListener("click", () => act("/admin/reindex", "POST"));
  if (sessionStorage.getItem(KEY)) start();
})();
