// Progressive enhancement of the three-pane page: whole-row selection, panes swapped without a
// full reload, inline editing made explicit (double-click, Enter or the pane's "Edit inline"),
// edited cells marked and counted against their limit, unsaved edits kept across another pane's
// save and guarded when leaving, arrow keys between rows. Everything also works without it.
(function () {
  "use strict";
  var STASH = "selfcare.panes.unsaved";
  // A cell's input: inside its pane's save form.
  var CELL = "form[data-save] table.grid td input";
  var leaving = false;
  var here = window.location.href;

  // What the cell held when the page was made (a page shown again after a refused save names
  // it in data-o; otherwise it is the value the page came with).
  function original(input) {
    return input.hasAttribute("data-o") ? input.getAttribute("data-o") : input.defaultValue;
  }

  function markDirty(input) {
    input.classList.toggle("dirty", input.value !== original(input));
  }

  function cellInputs(root) {
    return (root || document).querySelectorAll(CELL);
  }

  function edited(input) {
    return input.value !== original(input);
  }

  function hasUnsaved() {
    return Array.prototype.some.call(cellInputs(), edited);
  }

  function counter(input) {
    var max = input.maxLength;
    var note = input.parentNode.querySelector(".counter");
    var near = max > 0 && input.value.length >= max - Math.max(5, Math.floor(max / 10));
    if (!near || input.readOnly) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("span");
      note.className = "counter";
      note.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = input.value.length + " of " + max + " characters";
    note.classList.toggle("full", input.value.length >= max);
  }

  function edit(input) {
    input.readOnly = false;
    input.focus();
    input.select();
    counter(input);
  }

  function stop(input) {
    if (input.classList.contains("dirty") || input.getAttribute("aria-invalid") === "true") return;
    input.readOnly = true;
    counter(input);
  }

  // Cells read as text until edited; a cell shown again with a refused or kept edit stays open.
  function start() {
    document.documentElement.classList.add("js-inline");
    restore();
    cellInputs().forEach(function (i) {
      var open = i.classList.contains("dirty") || i.getAttribute("aria-invalid") === "true";
      i.readOnly = !open;
    });
    document.querySelectorAll('button[data-action="inline"]').forEach(function (b) { b.hidden = false; });
    var summary = document.querySelector("main .error-summary");
    if (summary) summary.focus();
  }

  // Another pane's save reloads the page: its unsaved edits ride along in the tab's storage and
  // come back on the rows they were made on, if those rows are unchanged.
  function stash(savedForm) {
    var kept = [];
    cellInputs().forEach(function (i) {
      if (i.form !== savedForm && edited(i)) {
        kept.push({ name: i.name, form: i.form.id, value: i.value, original: original(i) });
      }
    });
    if (kept.length) sessionStorage.setItem(STASH, JSON.stringify(kept));
  }

  function restore() {
    var raw = sessionStorage.getItem(STASH);
    if (!raw) return;
    sessionStorage.removeItem(STASH);
    var kept;
    try { kept = JSON.parse(raw); } catch (e) { return; }
    var lost = 0;
    kept.forEach(function (k) {
      var form = document.getElementById(k.form);
      var input = form && form.querySelector('table.grid td input[name="' + k.name + '"]');
      if (!input || original(input) !== k.original) { lost++; return; }
      input.value = k.value;
      markDirty(input);
      input.readOnly = false;
    });
    if (lost) {
      var note = document.createElement("p");
      note.className = "flash flash-warning";
      note.setAttribute("role", "status");
      note.textContent = lost + " unsaved edit(s) could not be kept: the row changed or is no longer shown.";
      var main = document.querySelector("main");
      if (main) main.insertBefore(note, main.firstChild);
    }
  }

  function swapTo(href, push, focusPane) {
    return fetch(href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (!r.ok || r.redirected) { leaving = true; window.location.href = href; return null; }
        return r.text();
      })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (!fresh) { leaving = true; window.location.href = href; return; }
        document.querySelector("main").replaceWith(fresh);
        document.title = doc.title;
        if (push) history.pushState({ panes: true }, "", href);
        here = window.location.href;
        start();
        if (focusPane) focusIn(focusPane);
      })
      .catch(function () { leaving = true; window.location.href = href; });
  }

  // After a selection, focus moves on to the pane it filled.
  var NEXT = { customers: "sites", sites: "links", links: "link-details" };
  function focusIn(pane) {
    var target = pane === "link-details" ? document.getElementById("link-details")
      : document.querySelector("#pane-" + pane + " tbody tr.selected td.sel a, #pane-" + pane + " tbody td.sel a")
        || document.getElementById("h-" + pane) || document.getElementById("pane-" + pane);
    if (!target) return;
    if (!target.hasAttribute("tabindex") && target.tagName !== "A") target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function confirmLeave() {
    if (!hasUnsaved()) return true;
    if (!window.confirm("You have unsaved changes. Leave them unsaved?")) return false;
    leaving = true;
    return true;
  }

  document.addEventListener("click", function (e) {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    var toggle = e.target.closest('button[data-action="inline"]');
    if (toggle) {
      var pane = toggle.closest("section.pane");
      var on = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      cellInputs(pane).forEach(function (i) { if (on) i.readOnly = false; else stop(i); });
      var first = cellInputs(pane)[0];
      if (on && first) first.focus();
      return;
    }
    var row = e.target.closest("table.grid tbody tr[data-id]");
    var rowLink = row && row.querySelector("td.sel a");
    if (row && rowLink) {
      var field = e.target.closest("input, button, select, textarea");
      if (field && !(field.tagName === "INPUT" && field.readOnly)) return;
      e.preventDefault();
      if (!confirmLeave()) return;
      leaving = false;
      var from = row.closest("section.pane");
      swapTo(rowLink.getAttribute("href"), true, from && NEXT[from.getAttribute("data-pane")]);
      return;
    }
    var link = e.target.closest("a[href]");
    if (link && !link.hasAttribute("download") && link.getAttribute("href").charAt(0) !== "#") {
      if (!confirmLeave()) e.preventDefault();
    }
  });

  document.addEventListener("dblclick", function (e) {
    var input = e.target.closest(CELL);
    if (input && input.readOnly) edit(input);
  });

  document.addEventListener("keydown", function (e) {
    var input = e.target.closest && e.target.closest(CELL);
    // Enter opens a cell and, typed in it, closes it again (the edit stays, unsaved and marked)
    // rather than sending the pane's form.
    if (input && e.key === "Enter") {
      e.preventDefault();
      if (input.readOnly) edit(input); else { input.readOnly = true; counter(input); }
      return;
    }
    if (input && e.key === "Escape" && !input.readOnly) {
      input.value = original(input);
      markDirty(input);
      stop(input);
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var row = e.target.closest && e.target.closest("table.grid tbody tr[data-id]");
    if (!row || (input && !input.readOnly)) return;
    var next = e.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    while (next && !next.hasAttribute("data-id")) {
      next = e.key === "ArrowDown" ? next.nextElementSibling : next.previousElementSibling;
    }
    var target = next && next.querySelector("td.sel a");
    if (target) { e.preventDefault(); target.focus(); }
  });

  document.addEventListener("input", function (e) {
    if (e.target.matches("table.grid input")) { markDirty(e.target); counter(e.target); }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute("data-save")) {
      stash(form);
      leaving = true;
      // Only the cells edited are sent: a row someone else changed meanwhile, left alone here,
      // is then no reason to refuse the save.
      cellInputs(form).forEach(function (i) {
        if (!edited(i)) i.disabled = true;
      });
      return;
    }
    if (!document.querySelector("table.grid")) return;
    if (!confirmLeave()) e.preventDefault();
  });

  document.addEventListener("reset", function (e) {
    var form = e.target;
    window.setTimeout(function () {
      cellInputs(form).forEach(function (i) {
        i.value = original(i);
        i.classList.remove("dirty");
        i.removeAttribute("aria-invalid");
        stop(i);
      });
    }, 0);
  }, true);

  // Back to a page kept in the browser's cache: its cells are usable again.
  window.addEventListener("pageshow", function () {
    cellInputs().forEach(function (i) { i.disabled = false; });
    leaving = false;
  });

  window.addEventListener("beforeunload", function (e) {
    if (leaving || !hasUnsaved()) return;
    e.preventDefault();
    e.returnValue = "";
  });

  window.addEventListener("popstate", function () {
    if (window.location.pathname !== "/customers") return;
    if (hasUnsaved() && !window.confirm("You have unsaved changes. Leave them unsaved?")) {
      history.pushState({ panes: true }, "", here);
      return;
    }
    swapTo(window.location.href, false);
  });

  if (!document.querySelector("table.grid")) return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
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
