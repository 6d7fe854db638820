// Progressive enhancement of forms: after a submit with errors, move focus to the error
// summary so that screen readers announce it and keyboard users start from it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
