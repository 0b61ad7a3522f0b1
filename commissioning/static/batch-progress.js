// Keeps the batch progress page current: polls the run's progress and reloads the page,
// which then shows the result, once the run has ended. Without JavaScript the page is
// refreshed by hand; nothing here is needed to read or act on the run.
(function () {
  "use strict";
  var panel = document.getElementById("batch-progress");
  if (!panel) { return; }
  var fields = {
    placed: function (p) { return p.placed === undefined ? "–" : String(p.placed); },
    objective: function (p) { return typeof p.objective === "number" ? Math.round(p.objective).toLocaleString("en-GB") : "–"; },
    bound: function (p) { return typeof p.bound === "number" ? Math.round(p.bound).toLocaleString("en-GB") : "–"; },
    gap: function (p) { return typeof p.gap === "number" ? (100 * p.gap).toFixed(1) + "%" : "–"; },
    elapsed: function (p) { return typeof p.elapsed === "number" ? Math.round(p.elapsed) + " s" : "–"; }
  };
  function show(name, text) {
    var element = panel.querySelector('[data-field="' + name + '"]');
    if (element && element.textContent !== text) { element.textContent = text; }
  }
  function update(run) {
    if (run.status !== "queued" && run.status !== "running") {
      window.location.reload();
      return;
    }
    show("status", run.status_label);
    Object.keys(fields).forEach(function (name) { show(name, fields[name](run.progress || {})); });
    window.setTimeout(poll, 1000);
  }
  function poll() {
    fetch(panel.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (response) {
        // Signed out (sent to the sign-in page) or refused: reload, so the server's whole
        // page says so, rather than leave this one showing a run it no longer follows.
        if (response.redirected || (response.status >= 400 && response.status < 500)) {
          window.location.reload();
          return null;
        }
        if (!response.ok) { throw new Error("progress: HTTP " + response.status); }
        return response.json().then(update);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
