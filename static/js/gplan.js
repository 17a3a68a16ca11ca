// gplan's few page behaviours. The Content-Security-Policy allows scripts only from files
// like this one (no inline handlers); every page works without it.
"use strict";

// A read-only address (the calendar feed) is selected when focused, ready to copy.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
    event.target.select();
  }
});
document.addEventListener("click", (event) => {
  if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
    event.target.select();
  }
});

// "Copy" buttons copy the field they name, then say so for a moment.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = button.dataset.copied || label;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}

// File fields speak the page's language: a button of ours in front of the browser's, whose
// wording is the browser's own, and the name of the file chosen.
for (const pick of document.querySelectorAll(".file-pick")) {
  const input = pick.querySelector("input[type=file]");
  const chosen = pick.querySelector(".file-chosen");
  if (!input || !chosen) continue;
  for (const hidden of pick.querySelectorAll("[hidden]")) hidden.hidden = false;
  pick.classList.add("enhanced");
  input.addEventListener("change", () => {
    const names = Array.from(input.files || [], (file) => file.name);
    chosen.textContent = names.length ? names.join(", ") : chosen.dataset.none;
  });
}
