"use strict";
// Asks before a step that is costly to undo: a button or form carrying data-confirm="question"
// submits only when the user agrees. A file, not an inline onclick: the Content-Security-Policy
// refuses inline script. Without JavaScript the form simply submits.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The phone's menu: the button "Menu" folds and unfolds the navigation (static/css/app.css).
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) {
    return;
  }
  const open = toggle.closest(".topbar").classList.toggle("menu-open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
