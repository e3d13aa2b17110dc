/* warta: the search page (Pagefind's UI), started from this file, not inline, so the
   site's Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("warta-search");
    if (!element || typeof window.PagefindUI === "undefined") return;
    // Posts are indexed one bundle per blog and year (pipeline/site/search.py): merge them.
    var script = document.querySelector('script[src$="pagefind/pagefind-ui.js"]');
    var base = new URL(".", script ? script.src : window.location.href);
    fetch(new URL("warta-bundles.json", base))
      .then(function (response) { return response.ok ? response.json() : { bundles: [] }; })
      .catch(function () { return { bundles: [] }; })
      .then(function (data) { show(data.bundles || [], base); });
  }
  function show(names, base) {
    var ui = new window.PagefindUI({
      element: "#warta-search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      mergeIndex: names.map(function (name) {
        return { bundlePath: new URL(name + "/", base).pathname };
      })
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
    var box = document.getElementById("warta-q");
    if (box && query) box.value = query;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
