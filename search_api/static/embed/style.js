// The widget's styles, adopted by its shadow root (a constructed sheet: the host page's CSP
// needs no 'unsafe-inline' for it). Hosts theme it through the --footnote-* properties.
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
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
button { font: inherit; color: inherit; cursor: pointer; }
.open { display: inline-flex; align-items: center; gap: .5em; padding: .45em .8em;
  background: var(--footnote-bg); color: var(--footnote-fg); border: 1px solid var(--footnote-border);
  border-radius: var(--footnote-radius); }
kbd { font: .8em ui-monospace, monospace; padding: .05em .35em; border: 1px solid var(--footnote-border);
  border-radius: 4px; color: var(--footnote-muted); }
dialog { z-index: var(--footnote-z); width: min(720px, calc(100vw - 2rem)); max-height: min(80vh, 760px);
  margin: 10vh auto auto; padding: 0; display: none; flex-direction: column; overflow: hidden;
  background: var(--footnote-bg); color: var(--footnote-fg); border: 1px solid var(--footnote-border);
  border-radius: var(--footnote-radius); font-family: var(--footnote-font); line-height: 1.45;
  box-shadow: 0 12px 40px rgb(0 0 0 / .3); }
dialog[open] { display: flex; }
dialog::backdrop { background: rgb(0 0 0 / .45); }
.bar { display: flex; gap: .5rem; padding: .75rem; border-bottom: 1px solid var(--footnote-border); }
input { flex: 1; min-width: 0; font: inherit; font-size: 1.05rem; padding: .5em .65em;
  color: var(--footnote-fg); background: var(--footnote-bg); border: 1px solid var(--footnote-border);
  border-radius: calc(var(--footnote-radius) * .6); }
.bar button { padding: .4em .8em; border-radius: calc(var(--footnote-radius) * .6);
  border: 1px solid var(--footnote-border); background: var(--footnote-bg); }
.bar .ask { background: var(--footnote-accent); color: var(--footnote-accent-fg);
  border-color: var(--footnote-accent); }
:focus-visible { outline: 3px solid var(--footnote-accent); outline-offset: 2px; }
.body { overflow-y: auto; padding: .25rem .75rem .75rem; }
.status { margin: .5rem 0; color: var(--footnote-muted); font-size: .9rem; }
.status.error { color: var(--footnote-error); font-weight: 600; }
ul { list-style: none; margin: 0; padding: 0; }
h2, h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--footnote-muted); margin: .75rem 0 .35rem; }
.result { padding: .5rem 0; border-bottom: 1px solid var(--footnote-border); }
a { color: var(--footnote-accent); }
a.title { font-weight: 600; font-size: 1.02rem; }
a.hit { display: block; padding: .25rem .4rem; border-radius: 6px; text-decoration: none; }
a.hit:hover, a.hit:focus { background: var(--footnote-hover); }
.meta { font-size: .85rem; color: var(--footnote-muted); }
.section { font-weight: 600; color: var(--footnote-fg); }
.passage { margin: .15rem 0 0; color: var(--footnote-fg); display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
mark { background: var(--footnote-mark); color: var(--footnote-mark-fg); border-radius: 2px; }
code { font-family: ui-monospace, monospace; font-size: .9em; }
.recent button { background: none; border: 0; padding: .3rem .4rem; color: var(--footnote-accent);
  text-decoration: underline; }
.answer { border: 1px solid var(--footnote-border); border-radius: var(--footnote-radius);
  padding: .5rem .75rem; margin: .5rem 0; }
.answer-text { white-space: pre-wrap; margin: .25rem 0; }
.cite { border: 0; background: none; color: var(--footnote-accent); padding: 0 .1em;
  font-weight: 600; }
.quote { margin: .25rem 0 .5rem; padding: .25rem .6rem; border-left: 3px solid var(--footnote-accent);
  color: var(--footnote-fg); }
.foot { display: flex; justify-content: space-between; padding: .4rem .75rem;
  border-top: 1px solid var(--footnote-border); font-size: .8rem; color: var(--footnote-muted); }
@media (max-width: 640px) {
  dialog { width: 100vw; max-width: 100vw; height: 100dvh; max-height: 100dvh; margin: 0;
    border-radius: 0; border: 0; }
  .bar { flex-wrap: wrap; }
  input { flex-basis: 100%; }
  .foot kbd { display: none; }
}
@media (prefers-reduced-motion: no-preference) { a.hit { transition: background .1s; } }
`;
