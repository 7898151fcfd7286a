// The element's markup: constants, so no data from the API or the host ever goes through it.
// One reader interface in two layouts: a button opening a modal dialog (the default, for
// a publication's pages) or inline (layout="page", Footnote's own page `/`).
const MODES = [["hybrid", "Meaning and keywords"], ["dense", "Meaning only"], ["bm25", "Keywords only"]];
export const MODE_VALUES = MODES.map(([value]) => value);

const FRAME = `
<form class="search-form" role="search">
  <label for="q" class="search-label">Search the articles</label>
  <p class="search-help" id="q-help">Ask in your own words; each result shows the passages that answer it.</p>
  <div class="search-row">
    <input id="q" type="search" autocomplete="off" spellcheck="false" aria-controls="results"
      aria-describedby="q-help search-keys">
    <button type="submit" class="search-button">Search</button>
    <button type="button" class="ask-button" id="ask-button">Ask</button>
    <button type="button" class="close">Close</button>
  </div>
  <div class="search-options">
    <label for="mode" class="mode">Match by</label>
    <select id="mode" class="mode">${MODES.map(([v, label]) => `<option value="${v}">${label}</option>`).join("")}</select>
    <p class="search-keys" id="search-keys"></p>
  </div>
</form>
<div class="body">
  <section class="recent" aria-labelledby="recent-heading" hidden>
    <h2 class="recent-heading" id="recent-heading">Recent searches</h2><ul></ul></section>
  <section id="answer-panel" class="answer-panel" aria-labelledby="answer-heading"
    aria-live="polite" aria-busy="false" hidden></section>
  <p id="result-count" role="status" aria-live="polite"></p>
  <p id="date-intent" class="date-intent" hidden></p>
  <ol id="results" class="results" aria-label="Results"></ol>
</div>`;

export const MODAL = `
<button class="open" part="button" type="button" aria-haspopup="dialog">
  <span>Search</span><kbd class="hotkey"></kbd></button>
<dialog aria-label="Search the articles">${FRAME}</dialog>`;

export const PAGE = `<div class="frame">${FRAME}</div>`;

export function keysHelp(page, modifier) {
  const ask = `<kbd class="mod">${modifier}</kbd>+<kbd>Enter</kbd> ask`;
  return page
    ? `<kbd>/</kbd> search · <kbd>↓</kbd> results · <kbd>Esc</kbd> clear · ${ask}`
    : `<kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · ${ask} · <kbd>Esc</kbd> close`;
}
