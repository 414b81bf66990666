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

// Subscribers: the search takes one field at a time (the others are disabled while one holds
// text); the edit screen highlights the open panel, marks panels with unsaved edits, and asks
// for the change reason before a wallet change is sent. Everything also works without it.
(function () {
  "use strict";

  function oneOf(form) {
    var inputs = form.getAttribute("data-one-of").split(" ")
      .map(function (n) { return form.elements[n]; })
      .filter(Boolean);
    var filled = inputs.filter(function (i) { return i.value.trim() !== ""; });
    inputs.forEach(function (i) {
      i.disabled = filled.length === 1 && filled[0] !== i;
    });
  }

  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      // With no option marked selected, the browser shows the first one.
      var initial = 0;
      for (var i = 0; i < el.options.length; i++) {
        if (el.options[i].defaultSelected) { initial = i; break; }
      }
      return el.selectedIndex !== initial;
    }
    if (el.type === "hidden" || el.type === "submit" || el.type === "reset") return false;
    return el.value !== el.defaultValue;
  }

  function editedIn(container) {
    return Array.prototype.some.call(container.querySelectorAll("input, select, textarea"), changed);
  }

  function markPanels(form) {
    form.querySelectorAll("nav.menu a[data-panel]").forEach(function (a) {
      var panel = document.getElementById(a.getAttribute("data-panel"));
      a.classList.toggle("dirty", !!panel && editedIn(panel));
    });
  }

  function markCurrent() {
    var menu = document.querySelector("#edit-form nav.menu");
    if (!menu) return;
    var id = window.location.hash.slice(1);
    var target = id ? document.getElementById(id) : null;
    // A field's fragment (the error summary's links) marks the panel holding it.
    var holder = target && !id.startsWith("p-") ? target.closest(".panels .panel") : null;
    if (holder) id = holder.id;
    else if (!target || !id.startsWith("p-")) {
      var open = document.querySelector(".panels .panel.default");
      id = open ? open.id : "p-details";
    }
    menu.querySelectorAll("a[data-panel]").forEach(function (a) {
      var on = a.getAttribute("data-panel") === id;
      a.classList.toggle("current", on);
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }

  document.addEventListener("input", function (e) {
    var form = e.target.form;
    if (!form) return;
    if (form.hasAttribute("data-one-of")) oneOf(form);
    if (form.id === "edit-form") markPanels(form);
  });
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form) return;
    if (form.hasAttribute("data-one-of")) oneOf(form);
    if (form.id === "edit-form") markPanels(form);
  });
  document.addEventListener("reset", function (e) {
    var form = e.target;
    if (form.id !== "edit-form") return;
    window.setTimeout(function () { markPanels(form); }, 0);
  }, true);
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id !== "edit-form" || form.getAttribute("data-audit") !== "on") return;
    var reason = form.elements.change_reason;
    var wallets = document.getElementById("p-wallets");
    if (!reason || reason.value.trim() !== "" || !wallets || !editedIn(wallets)) return;
    e.preventDefault();
    reason.setAttribute("aria-invalid", "true");
    reason.focus();
    var note = document.getElementById("reason-needed");
    if (!note) {
      note = document.createElement("p");
      note.id = "reason-needed";
      note.className = "error";
      note.textContent = "Give the reason for the wallet change before saving.";
      reason.insertAdjacentElement("afterend", note);
    }
  });
  window.addEventListener("hashchange", markCurrent);

  function start() {
    document.querySelectorAll("form[data-one-of]").forEach(oneOf);
    markCurrent();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Forms: the error summary of a refused form takes the focus (autofocus does it in most
// browsers; this covers the rest); the site form puts the chosen country's time zones first.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary && (document.activeElement === document.body || !document.activeElement)) summary.focus();
  }

  // The site form: a new country's zones move to the first group, and its main zone is chosen
  // unless the zone chosen already is one of that country's.
  function followCountry(countrySelect) {
    var zone = document.getElementById("f-time_zone");
    var data = document.getElementById("country-zones");
    var mine = document.getElementById("zones-of-country");
    var others = document.getElementById("zones-other");
    if (!zone || !data || !mine || !others) return;
    var zones = JSON.parse(data.textContent)[countrySelect.value] || [];
    var options = Array.prototype.slice.call(zone.querySelectorAll("optgroup option"));
    var first = zones.map(function (z) {
      return options.filter(function (o) { return o.value === z; })[0];
    }).filter(Boolean);
    var rest = options.filter(function (o) { return first.indexOf(o) < 0; });
    rest.sort(function (a, b) { return a.value < b.value ? -1 : a.value > b.value ? 1 : 0; });
    first.forEach(function (o) { mine.appendChild(o); });
    rest.forEach(function (o) { others.appendChild(o); });
    var name = countrySelect.options[countrySelect.selectedIndex];
    mine.label = "Time zones of " + (name ? name.text : "the country");
    if (zones.length && zones.indexOf(zone.value) < 0) zone.value = zones[0];
  }

  // A summary link focuses its field, its label in view. In the subscriber editor the fragment
  // is followed (it opens the panel holding the field); elsewhere the URL is left alone (a
  // refused new customer is shown at /customers, whose pane script reloads on a new fragment).
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest(".error-summary a[href^='#']") : null;
    if (!a) return;
    var field = document.getElementById(a.getAttribute("href").slice(1));
    if (!field) return;
    if (!field.closest(".panels")) {
      e.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']") || field;
      label.scrollIntoView();
    }
    window.setTimeout(function () { field.focus({ preventScroll: true }); }, 0);
  });

  document.addEventListener("change", function (e) {
    if (e.target.id === "f-country" && document.getElementById("country-zones")) followCountry(e.target);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusSummary);
  else focusSummary();
})();
