// Small progressive enhancements; every page works without this file.
"use strict";

// Ask before destructive actions: any form or button with data-confirm="message".
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.getAttribute("data-confirm") || (event.submitter && event.submitter.getAttribute("data-confirm"));
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Hide the shipping address fields while "Same as billing" is ticked.
function syncShipping(checkbox) {
  const fieldset = checkbox.closest("fieldset");
  if (!fieldset) {
    return;
  }
  fieldset.querySelectorAll(".field:not(.checkbox)").forEach((field) => {
    field.hidden = checkbox.checked;
  });
}

document.querySelectorAll("#shipping_same_as_billing").forEach((checkbox) => {
  syncShipping(checkbox);
  checkbox.addEventListener("change", () => syncShipping(checkbox));
});

// Sticker editor: "Clear" empties the note, and "Save" then removes the sticker. Without this
// script, "Clear" submits the form and removes the sticker at once.
document.querySelectorAll("[data-clear-sticker]").forEach((button) => {
  button.addEventListener("click", (event) => {
    const form = button.closest("form");
    const note = form && form.querySelector("textarea[name=note]");
    if (!note) {
      return;
    }
    event.preventDefault();
    note.value = "";
    note.focus();
  });
});

// Site addresses: hide the own-address fields while "Same as headquarters" is ticked.
document.querySelectorAll("[data-toggles-address]").forEach((checkbox) => {
  const sync = () => {
    const fieldset = checkbox.closest("fieldset");
    fieldset.querySelectorAll(".field:not(.checkbox)").forEach((field) => {
      field.hidden = checkbox.checked;
    });
  };
  sync();
  checkbox.addEventListener("change", sync);
});
