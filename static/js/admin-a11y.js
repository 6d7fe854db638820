// The admin's language tabs and language switch (django-modeltranslation, jQuery UI) made
// accessible once they are built: the switch gets a name, and each tab's link stops being a
// second control inside the tab (jQuery UI keeps the tab itself focusable and switches panels
// by its aria-controls, so nothing else changes).
(function () {
  "use strict";
  var script = document.currentScript;
  var switchLabel = script ? script.dataset.switchLabel : "";

  function improve() {
    document.querySelectorAll("select.modeltranslation-switch").forEach(function (select) {
      if (switchLabel && !select.hasAttribute("aria-label")) {
        select.setAttribute("aria-label", switchLabel);
      }
    });
    document.querySelectorAll('li[role="tab"] > a[href]').forEach(function (link) {
      link.removeAttribute("href");
      link.removeAttribute("tabindex");
    });
  }

  // After jQuery's ready handlers, which build the tabs.
  if (document.readyState === "complete") {
    improve();
  } else {
    window.addEventListener("load", improve);
  }
})();
