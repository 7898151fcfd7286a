// The element's styles, adopted by its shadow root (a constructed sheet: a host page's CSP
// needs no 'unsafe-inline' for it). Hosts theme it through the --footnote-* properties; `/`
// maps its own palette onto them (static/style.css). Colours meet WCAG AA, light and dark.
export const CSS = `
:host {
  --footnote-bg: #ffffff;
  --footnote-fg: #1b1f24;
  --footnote-muted: #57606a;
  --footnote-accent: #0b5cad;
  --footnote-accent-fg: #ffffff;
  --footnote-border: #d0d7de;
  --footnote-mark: #fff3a3;
  --footnote-mark-fg: #1b1f24;
  --footnote-hover: #eef4fb;
  --footnote-error: #a40e26;
  --footnote-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --footnote-radius: 10px;
  --footnote-z: 2147483000;
  display: inline-block;
  font-family: var(--footnote-font);
}
:host([layout="page"]) { display: block; line-height: 1.55; color: var(--footnote-fg); }
@media (prefers-color-scheme: dark) {
  :host {
    --footnote-bg: #161b22;
    --footnote-fg: #e6edf3;
    --footnote-muted: #9ea7b3;
    --footnote-accent: #6cb6ff;
    --footnote-accent-fg: #0d1117;
    --footnote-border: #3d444d;
    --footnote-mark: #6b5a00;
    --footnote-mark-fg: #fffbe0;
    --footnote-hover: #1f2a37;
    --footnote-error: #ff9492;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr, :host(:not([layout="page"])) .search-label { position: absolute; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
button, select { font: inherit; color: inherit; cursor: pointer; }
a { color: var(--footnote-accent); text-underline-offset: .18em; }
:focus-visible { outline: 3px solid var(--footnote-accent); outline-offset: 2px; }
ul, ol { list-style: none; margin: 0; padding: 0; }
kbd { font: .8em ui-monospace, monospace; padding: 0 .35em; border: 1px solid var(--footnote-border);
  border-bottom-width: 2px; border-radius: 4px; }

/* The button and the dialog */
.open { display: inline-flex; align-items: center; gap: .5em; padding: .45em .8em;
  background: var(--footnote-bg); color: var(--footnote-fg); border: 1px solid var(--footnote-border);
  border-radius: var(--footnote-radius); }
.open kbd { color: var(--footnote-muted); }
dialog { z-index: var(--footnote-z); width: min(760px, calc(100vw - 2rem)); max-height: min(84vh, 800px);
  margin: 8vh auto auto; padding: 0; display: none; flex-direction: column; overflow: hidden;
  background: var(--footnote-bg); color: var(--footnote-fg); border: 1px solid var(--footnote-border);
  border-radius: var(--footnote-radius); font-family: var(--footnote-font); line-height: 1.45;
  box-shadow: 0 12px 40px rgb(0 0 0 / .3); }
dialog[open] { display: flex; }
dialog::backdrop { background: rgb(0 0 0 / .45); }
dialog .search-form { padding: .75rem; border-bottom: 1px solid var(--footnote-border); }
dialog .body { overflow-y: auto; padding: 0 .75rem .75rem; }

/* The search form */
.search-label { display: block; font-weight: 650; font-size: 1.1rem; }
.search-help { margin: .1rem 0 .6rem; color: var(--footnote-muted); font-size: .95rem; }
.search-row { position: relative; display: flex; gap: .5rem; }
input { flex: 1 1 auto; min-width: 0; font: inherit; font-size: 1.05rem; padding: .55em .7em;
  color: var(--footnote-fg); background: var(--footnote-bg); border: 2px solid var(--footnote-muted);
  border-radius: calc(var(--footnote-radius) * .6); }
input::placeholder { color: var(--footnote-muted); opacity: 1; }
.search-row button { flex: 0 0 auto; padding: .4em 1em; font-weight: 600;
  border-radius: calc(var(--footnote-radius) * .6); border: 2px solid var(--footnote-accent);
  background: var(--footnote-bg); color: var(--footnote-accent); }
.search-row .search-button, dialog .ask-button { background: var(--footnote-accent);
  color: var(--footnote-accent-fg); }
.search-row .close { border-color: var(--footnote-border); color: var(--footnote-fg); font-weight: 400; }
.search-row::after { content: ""; position: absolute; left: 0; right: 0; bottom: -6px; height: 3px;
  border-radius: 2px; background: var(--footnote-accent); opacity: 0; transform-origin: left; }
.is-loading .search-row::after { animation: loading 1.2s ease-in-out 150ms infinite; }
@keyframes loading { 0% { opacity: 1; transform: scaleX(0); } 70% { opacity: 1; transform: scaleX(1); }
  100% { opacity: 0; transform: scaleX(1); } }
.search-options { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem;
  margin-top: .75rem; font-size: .95rem; }
select { padding: .3rem .5rem; background: var(--footnote-bg); border: 1px solid var(--footnote-muted);
  border-radius: 4px; }
.search-keys { margin: 0 0 0 auto; color: var(--footnote-muted); font-size: .85rem; }
dialog .search-keys { margin: 0; }

/* Status lines */
#result-count { margin: 1.25rem 0 .25rem; color: var(--footnote-muted); font-size: .95rem; }
dialog #result-count { margin-top: .75rem; }
#result-count:empty { margin: 0; }
#result-count.is-error, .answer-status.is-error { padding: .6rem .8rem; color: var(--footnote-error);
  border-left: 4px solid var(--footnote-error); font-weight: 600; }
.date-intent { margin: 0 0 .5rem; color: var(--footnote-muted); font-size: .9rem; font-style: italic; }
.recent-heading { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--footnote-muted); margin: .75rem 0 .35rem; }
.recent button { background: none; border: 0; padding: .3rem .4rem; color: var(--footnote-accent);
  text-decoration: underline; }

/* Results */
.result { padding: 1rem 0 1.1rem; border-bottom: 1px solid var(--footnote-border); }
.result:last-child { border-bottom: 0; }
.result-heading { margin: 0; font-family: Georgia, "Times New Roman", serif; font-size: 1.25rem;
  line-height: 1.3; }
dialog .result-heading { font-size: 1.1rem; }
.result-meta, .cite-meta { color: var(--footnote-muted); font-size: .875rem; }
.result-meta { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .9rem; margin-top: .3rem; }
.tags { display: flex; flex-wrap: wrap; gap: .3rem; }
.tag { padding: 0 .5rem; border-radius: 999px; background: var(--footnote-hover); color: var(--footnote-fg);
  font-size: .8rem; }
.passages { margin-top: .6rem; }
.passage-item + .passage-item { margin-top: .75rem; }
.passage-link { font-weight: 600; font-size: .95rem; }
span.passage-link { color: var(--footnote-muted); }
.passage-quote, .cite-quote { margin: .25rem 0 0; padding: .1rem 0 .1rem .9rem;
  border-left: 3px solid var(--footnote-border); }
.passage, .cite-passage { margin: 0; font-size: .95rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.passage code, .cite-passage code, .answer-text code {
  padding: 0 .2em; border-radius: 3px; background: var(--footnote-hover);
  font-family: ui-monospace, monospace; font-size: .88em; }
/* Wrapped, not scrolled: a scrolling box the keyboard cannot reach fails axe. */
.passage .code-block, .cite-passage .code-block, .answer-text .code-block {
  display: inline-block; width: 100%; vertical-align: top; padding: .35rem .6rem; }
.passage-quote.is-folded { max-height: 12rem; overflow: hidden;
  mask-image: linear-gradient(to bottom, #000 70%, transparent); }
.passage-more, .answer-close, .cite-toggle { padding: .1rem 0; font-size: .875rem;
  color: var(--footnote-accent); background: none; border: 0; text-decoration: underline; }
.passage-more { margin: .2rem 0 0 .9rem; }
mark { padding: 0 .1em; border-radius: 2px; background: var(--footnote-mark); color: var(--footnote-mark-fg); }

/* The answer */
.answer-panel { margin: 1rem 0 .5rem; padding: .9rem 1.1rem 1rem; background: var(--footnote-bg);
  border: 1px solid var(--footnote-border); border-top: 4px solid var(--footnote-accent);
  border-radius: calc(var(--footnote-radius) * .6); }
.answer-top { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
.answer-heading { margin: 0; font-family: Georgia, "Times New Roman", serif; font-size: 1.25rem; }
.answer-question { margin: .2rem 0 0; color: var(--footnote-muted); font-style: italic;
  overflow-wrap: anywhere; }
.answer-kind { display: inline-block; margin: .6rem 0 0; padding: .1rem .6rem; border-radius: 999px;
  background: var(--footnote-hover); font-size: .85rem; }
.answer-kind.is-abstained { border: 1px solid var(--footnote-border); background: none;
  color: var(--footnote-muted); }
.answer-status { margin: .75rem 0 0; color: var(--footnote-muted); font-size: .95rem; }
.is-busy .answer-status:not(.is-error)::before { content: ""; display: inline-block; width: .55em;
  height: .55em; margin-right: .5em; border-radius: 50%; background: var(--footnote-accent);
  animation: pulse 1s ease-in-out infinite alternate; }
@keyframes pulse { from { opacity: 1; } to { opacity: .25; } }
.answer-text { margin: .75rem 0 0; font-size: 1.05rem; line-height: 1.6; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.answer-text.is-abstained { color: var(--footnote-muted); }
.answer-text.is-streaming::after { content: "▍"; color: var(--footnote-accent);
  animation: pulse .8s steps(2, jump-none) infinite alternate; }
.answer-question:empty, .answer-status:empty, .answer-text:empty, .answer-footer:empty { display: none; }
.cite { margin: 0 .1em; padding: 0 .25em; min-width: 1.9em; font-size: .85em; font-weight: 600;
  line-height: 1.4; vertical-align: .1em; color: var(--footnote-accent); background: var(--footnote-hover);
  border: 1px solid transparent; border-radius: 4px; }
.cite:hover { border-color: var(--footnote-accent); }
.cite[aria-expanded="true"] { color: var(--footnote-accent-fg); background: var(--footnote-accent); }
.answer-subheading { margin: 1.1rem 0 .4rem; font-size: .95rem; font-weight: 650; }
.cite-item { padding: .5rem 0 .5rem .75rem; border-top: 1px solid var(--footnote-border);
  border-left: 3px solid transparent; }
.cite-item.is-open { border-left-color: var(--footnote-accent); }
.cite-summary { display: inline; margin: 0; }
.cite-number { color: var(--footnote-muted); font-weight: 600; }
.cite-title, .suggestion-title { font-weight: 600; }
.cite-meta > * + *::before { content: " · "; }
.cite-toggle { margin-left: .6rem; white-space: nowrap; }
.suggestion + .suggestion { margin-top: .35rem; }
.answer-footer { margin: .9rem 0 0; color: var(--footnote-muted); font-size: .8rem; }

@media (max-width: 640px) {
  dialog { width: 100vw; max-width: 100vw; height: 100dvh; max-height: 100dvh; margin: 0;
    border-radius: 0; border: 0; }
  .search-row { flex-wrap: wrap; }
  input { flex-basis: 100%; }
  :host([layout="page"]) .search-row button { flex: 1 1 auto; }
  .search-keys, dialog .search-options { display: none; }
}
@media (prefers-reduced-motion: reduce) {
  .is-loading .search-row::after, .is-busy .answer-status::before, .answer-text.is-streaming::after {
    animation: none; }
}
@media (forced-colors: active) {
  mark { forced-color-adjust: none; background: Mark; color: MarkText; }
  .cite { border-color: ButtonText; }
}
@media print {
  .search-form, .passage-more, .answer-close, .cite-toggle, .recent { display: none !important; }
  .passage-quote.is-folded { max-height: none; mask-image: none; }
  .cite-box[hidden] { display: block !important; }
  a { color: inherit; }
}
`;
