"use strict";
// The export page's "select all" box (templates/admin/import_export/export.html), bound here
// instead of by an inline onchange attribute, which the Content-Security-Policy refuses.
// onSelectToggleChange is django-import-export's, from import_export/export_selectable_fields.js.
document.addEventListener("DOMContentLoaded", () => {
  for (const toggle of document.querySelectorAll("input.select-toggle")) {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
