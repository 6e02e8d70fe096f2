// The "Today" page with htmx: form errors swapped in, the type-ahead, focus after a change.
// Everything here is an enhancement: without it the page works as plain forms and links.
(function () {
  "use strict";

  // A form with errors comes back as 422 with the form to show: swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The server says where focus belongs after a change (HX-Trigger: relcrm:focus).
  document.addEventListener("relcrm:focus", function (event) {
    var target = document.querySelector(event.detail.selector);
    if (target) {
      target.focus();
    }
  });

  function suggestions() {
    return document.getElementById("contact-suggestions");
  }

  function clearSuggestions() {
    var box = suggestions();
    if (box) {
      box.replaceChildren();
    }
  }

  // Picking a suggestion replaces the name being typed (the last one) and leaves room for the next.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    var input = form.querySelector("input[name='contacts']");
    var names = input.value.split(",").map(function (n) { return n.trim(); });
    names[names.length - 1] = button.dataset.pick;
    input.value = names.filter(Boolean).join(", ") + ", ";
    if (button.hasAttribute("data-new")) {
      form.querySelector("input[name='new_people']").checked = true;
    }
    clearSuggestions();
    input.focus();
  });

  // Arrow keys move between the name field and its suggestions; Escape closes them.
  document.addEventListener("keydown", function (event) {
    var box = suggestions();
    if (!box) {
      return;
    }
    var inPicker = event.target.name === "contacts" || box.contains(event.target);
    if (!inPicker) {
      return;
    }
    var buttons = Array.prototype.slice.call(box.querySelectorAll("button"));
    var index = buttons.indexOf(event.target);
    if (event.key === "ArrowDown" && buttons.length) {
      event.preventDefault();
      buttons[Math.min(index + 1, buttons.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) {
        box.closest("form").querySelector("input[name='contacts']").focus();
      } else {
        buttons[index - 1].focus();
      }
    } else if (event.key === "Escape") {
      clearSuggestions();
      box.closest("form").querySelector("input[name='contacts']").focus();
    }
  });
})();
