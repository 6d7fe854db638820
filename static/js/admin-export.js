// The admin's export page (import-export): "Select all" ticks or clears every field of the
// resource it belongs to. A static file, because the Content Security Policy blocks the inline
// onchange handler of import-export's own template (templates/admin/import_export/export.html).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      const index = toggle.dataset.resourceIndex;
      const rows = index === undefined || index === ""
        ? document.querySelectorAll(".selectable-field-export-row")
        : document.querySelectorAll(`.selectable-field-export-row[resource-index="${index}"]`);
      rows.forEach((row) => {
        row.querySelectorAll('input[type="checkbox"]').forEach((checkbox) => {
          if (checkbox !== toggle) {
            checkbox.checked = toggle.checked;
          }
        });
      });
    });
  });
});
