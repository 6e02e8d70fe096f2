// The People pages with htmx: select-all and the count of selected people for the
// bulk edit, focus in a card edited in place. Forms with errors (422) are swapped
// in by dashboard.js, loaded beside this file. Everything here is an enhancement:
// without it the pages work as plain forms and links.
(function () {
  "use strict";

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("input[name='ids'][form='bulk-form']"));
  }

  function refresh() {
    var all = boxes();
    var picked = all.filter(function (box) { return box.checked; }).length;
    var count = document.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = picked ? picked + " selected" : "Select people below";
      count.nextSibling.textContent = picked ? ", then:" : " to tag, move or archive several at once.";
    }
    var selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.hidden = false;
      selectAll.checked = all.length > 0 && picked === all.length;
      selectAll.indeterminate = picked > 0 && picked < all.length;
    }
    var bar = document.getElementById("bulk-form");
    if (bar) {
      bar.classList.add("js-bulk");
      bar.classList.toggle("has-selection", picked > 0);
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      boxes().forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.id === "select-all" || event.target.name === "ids") {
      refresh();
    }
  });

  // After a search, a bulk edit or more rows: the select-all and the count follow.
  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("DOMContentLoaded", refresh);

  // Focus the heading of a card edited in place, so keyboard users land where the change is.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) {
      return;
    }
    var card = document.getElementById(target.id);
    if (card && (card.id === "about" || card.id === "methods")) {
      var field = card.querySelector("form input:not([type=hidden]), form select");
      var heading = card.querySelector("h2");
      (field || heading).focus();
    }
  });
})();
