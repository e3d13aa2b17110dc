// The editor's live preview: an enhancement only (the page works without script).
// While the person types, the body is sent to the desk, which renders it as the site
// renders it and sanitises it; the answer replaces the preview pane.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var pane = document.getElementById("preview");
  if (!body || !pane || !body.dataset.preview) { return; }
  var form = body.form;
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("csrf", form.elements.csrf.value);
    data.append("body", body.value);
    fetch(body.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) { pane.innerHTML = html; } })
      .catch(function () { /* the saved preview stays */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();
