// Keyboard use inside the element. Up and down walk the search box, the recent searches and
// the result titles (Tab still reaches every passage link); Escape goes back to the box (inline)
// or closes the dialog, in which Tab stays.

export const titlesIn = (results) => [...results.querySelectorAll("a.result-title")];

export function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

// Returns true when it handled the key.
export function moveFocus(event, { root, box, recent, results, inline }) {
  const at = root.activeElement;
  if (event.key === "Escape" && inline && results.contains(at)) {
    box.focus();
    return true;
  }
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return false;
  const stops = [box, ...recent.querySelectorAll("button"), ...titlesIn(results)]
    .filter((node) => node.offsetParent);
  let index = stops.indexOf(at);
  const item = index < 0 && at ? at.closest(".result") : null;
  if (item) {
    // Inside a result: up goes to its own title, down to the next result's.
    const own = item.querySelector("a.result-title");
    index = stops.indexOf(own);
    if (event.key === "ArrowUp" && own) index += 1;
  }
  const next = index + (event.key === "ArrowDown" ? 1 : -1);
  if (index < 0 || next < 0 || next >= stops.length) return false;
  stops[next].focus();
  stops[next].scrollIntoView({ block: "nearest" });
  return true;
}

// The modal dialog keeps Tab inside it, wrapping at either end.
export function trapTab(event, { root, dialog }) {
  if (event.key !== "Tab") return false;
  const all = [...dialog.querySelectorAll("input, select, button, a[href]")]
    .filter((node) => node.offsetParent);
  const edge = event.shiftKey ? all[0] : all[all.length - 1];
  if (root.activeElement !== edge) return false;
  (event.shiftKey ? all[all.length - 1] : all[0]).focus();
  return true;
}

// When a newer response replaces the list under a reader moving through it, focus goes to
// the same place in the new list (the same title, or the last one) or back to the box, never
// out of the element.
export function keepFocus(results, box, replace) {
  const at = results.getRootNode().activeElement;
  const item = at && results.contains(at) ? at.closest(".result") : null;
  const index = item ? [...results.children].indexOf(item) : -1;
  replace();
  if (index < 0) return;
  const titles = titlesIn(results);
  const target = titles.length ? titles[Math.min(index, titles.length - 1)] : box;
  target.focus({ preventScroll: true });
}
