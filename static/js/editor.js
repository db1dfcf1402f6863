// The report editor: moving around the indicator grid like a spreadsheet,
// pasting blocks copied from Excel, keeping focus across partial updates, and
// retrying saves that failed for want of a connection. No inline scripts (CSP).
(function () {
  "use strict";

  function gridInputs(grid) {
    return Array.from(grid.querySelectorAll("tbody tr")).map(function (tr) {
      return Array.from(tr.querySelectorAll("input.grid-input"));
    });
  }

  function position(grid, input) {
    var rows = gridInputs(grid);
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c >= 0) return { rows: rows, r: r, c: c };
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("grid-input")) return;
    var grid = input.closest("table");
    var pos = position(grid, input);
    if (!pos) return;
    var dr = 0, dc = 0;
    if (event.key === "ArrowDown" || event.key === "Enter") dr = 1;
    else if (event.key === "ArrowUp") dr = -1;
    else if (event.key === "ArrowLeft" && input.selectionStart === 0 && input.selectionEnd === 0) dc = -1;
    else if (event.key === "ArrowRight" && input.selectionStart === input.value.length) dc = 1;
    else return;
    var row = pos.rows[pos.r + dr];
    var target = row && row[pos.c + dc];
    if (target) {
      event.preventDefault();
      target.focus();
      target.select();
    }
  });

  // A block copied from Excel arrives as lines of tab-separated cells.
  document.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("grid-input")) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.replace(/\r?\n$/, "").indexOf("\n") < 0) return;
    event.preventDefault();
    var pos = position(input.closest("table"), input);
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (cell, j) {
        var row = pos.rows[pos.r + i];
        var target = row && row[pos.c + j];
        if (target) {
          target.value = cell.trim();
          target.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  });

  // A row is replaced after each save: give the focus back to where the user is.
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    focusedId = document.activeElement && document.activeElement.id;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (focusedId && (!document.activeElement || document.activeElement === document.body)) {
      var el = document.getElementById(focusedId);
      if (el) el.focus();
    }
  });

  // A save that did not reach the server: say so next to the text, keep the
  // text, and try again a little later.
  function retryLater(event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form.autosave");
    if (!form) return;
    var state = form.querySelector(".save-state");
    if (state) {
      state.dataset.state = "offline";
      var note = state.querySelector(".offline") || document.createElement("span");
      note.className = "offline text-danger";
      note.textContent = form.dataset.offlineMessage || "";
      state.appendChild(note);
    }
    setTimeout(function () { htmx.trigger(form, "submit"); }, 5000);
  }
  document.addEventListener("htmx:sendError", retryLater);
  document.addEventListener("htmx:responseError", retryLater);

  // After a conflict nothing saves by itself: the form keeps the version it
  // was edited from, and its autosave waits until the user has chosen to keep
  // their text (saved over the other person's version), to take the other
  // person's, or has merged both by hand and kept that.
  function inConflict(form) {
    return form && form.querySelector('.save-state[data-state="conflict"]');
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest && elt.closest("form.autosave");
    if (inConflict(form) && !form.dataset.choosing) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-conflict-choice]");
    if (!button) return;
    var form = button.closest("form.autosave");
    var state = form.querySelector(".save-state");
    var conflict = state.querySelector(".conflict");
    form.querySelector('input[name="version"]').value = conflict.dataset.currentVersion;
    if (button.dataset.conflictChoice === "theirs") {
      var theirs = JSON.parse(conflict.dataset.theirs || "{}");
      Object.keys(theirs).forEach(function (name) {
        if (form.elements[name]) form.elements[name].value = theirs[name];
      });
      state.dataset.state = "idle";
      conflict.remove();
      return;
    }
    form.dataset.choosing = "1";
    htmx.trigger(form, "submit");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form.autosave");
    if (form) delete form.dataset.choosing;
  });

  // Fields someone else saved meanwhile were merged in by the server: show
  // them, so that the next save does not send the old values back.
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll(".save-state[data-merged]").forEach(function (el) {
      var form = el.closest("form");
      var values = JSON.parse(el.dataset.merged);
      Object.keys(values).forEach(function (name) {
        if (form.elements[name]) form.elements[name].value = values[name];
      });
      el.removeAttribute("data-merged");
    });
  });
})();
