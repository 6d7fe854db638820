// The admin's language tabs and language switch (django-modeltranslation, jQuery UI) made
// accessible once they are built: each switch gets a name, and each tab's link stops being a
// second control inside the tab (jQuery UI keeps the tab itself focusable and switches panels
// by its aria-controls, so nothing else changes). The tabs are built by jQuery ready handlers,
// which may run before or after the page's load event, and again for inlines added later:
// every change to the page is looked at.
(function () {
  "use strict";
  var script = document.currentScript;
  var switchLabel = script ? script.dataset.switchLabel : "";

  function improve() {
    document.querySelectorAll("select.modeltranslation-switch:not([aria-label])").forEach(
      function (select) {
        if (switchLabel) {
          select.setAttribute("aria-label", switchLabel);
        }
      }
    );
    document.querySelectorAll('li[role="tab"] > a[href]').forEach(function (link) {
      link.removeAttribute("href");
      link.removeAttribute("tabindex");
    });
  }

  function start() {
    improve();
    new MutationObserver(improve).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
