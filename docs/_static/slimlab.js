// slimlab: open the folded block a link leads to (checks/guide/evidence.py).
// A claim's row is a <details id="l4-1">; a hadolint rule or a removable class sits inside the folded list of
// what analyze and lint point at.  The checker prints links such as multi-stage.html#l4-1: whether the reader
// arrives with one, follows a :claim: link on the page, or clicks the same link twice, the block it names opens.
(() => {
  "use strict";

  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(hash.slice(1)));
    } catch (error) {
      return; // a malformed fragment names nothing
    }
    if (!target) return;
    let hidden = false;
    for (let node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        hidden = hidden || node !== target; // the target itself was on screen; what was inside a fold was not
      }
    }
    if (hidden) target.scrollIntoView();
  }

  window.addEventListener("hashchange", () => reveal(window.location.hash));
  // The same link clicked again changes no hash, so no hashchange: open what it names anyway.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href*='#']") : null;
    if (link && link.pathname === window.location.pathname && link.hash === window.location.hash) reveal(link.hash);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => reveal(window.location.hash));
  } else {
    reveal(window.location.hash);
  }
})();
