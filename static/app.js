// Progressive enhancement of the three-pane page: whole-row selection, panes swapped without a
// full reload, edited cells marked. Everything also works without this file.
(function () {
  "use strict";

  function markDirty(input) {
    var hidden = input.form && input.form.elements["o_" + input.name];
    var original = hidden ? hidden.value : input.defaultValue;
    input.classList.toggle("dirty", input.value !== original);
  }

  function swapTo(href, push) {
    return fetch(href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (!r.ok || r.redirected) { window.location.href = href; return null; }
        return r.text();
      })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (!fresh) { window.location.href = href; return; }
        document.querySelector("main").replaceWith(fresh);
        document.title = doc.title;
        if (push) history.pushState({ panes: true }, "", href);
      })
      .catch(function () { window.location.href = href; });
  }

  function hasUnsaved() {
    return document.querySelector("table.grid input.dirty") !== null;
  }

  document.addEventListener("click", function (e) {
    var row = e.target.closest("table.grid tbody tr[data-href]");
    if (!row) return;
    if (e.target.closest("input, button, select, textarea")) return;
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (hasUnsaved() && !window.confirm("You have unsaved changes. Leave them unsaved?")) return;
    swapTo(row.getAttribute("data-href"), true);
  });

  document.addEventListener("input", function (e) {
    if (e.target.matches("table.grid input")) markDirty(e.target);
  });

  document.addEventListener("reset", function (e) {
    var form = e.target;
    window.setTimeout(function () {
      document.querySelectorAll('input[form="' + form.id + '"]').forEach(function (i) { i.classList.remove("dirty"); });
    }, 0);
  }, true);

  window.addEventListener("popstate", function () {
    if (window.location.pathname === "/customers") swapTo(window.location.href, false);
  });
})();
