/* warta: the search page (Pagefind's UI), started from this file, not inline, so the
   site's Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("warta-search");
    if (!element || typeof window.PagefindUI === "undefined") return;
    var ui = new window.PagefindUI({
      element: "#warta-search",
      showSubResults: true,
      showImages: false,
      resetStyles: false
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
