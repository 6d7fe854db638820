// Progressive enhancement for the reports list: while a report is queued or being rendered,
// poll its status and turn the row into a download link when the PDF is ready.
(function () {
  "use strict";
  var table = document.querySelector("table[data-status-url]");
  if (!table || !window.fetch) { return; }
  var url = table.getAttribute("data-status-url");

  function pending() {
    return table.querySelectorAll(".badge-report-queued, .badge-report-running").length > 0;
  }

  function update(report) {
    var row = table.querySelector('tr[data-report="' + report.id + '"]');
    if (!row) { return; }
    var badge = row.querySelector(".report-status .badge");
    if (badge && !badge.classList.contains("badge-report-" + report.status)) {
      badge.className = "badge badge-report-" + report.status;
      badge.textContent = report.label;
    }
    var cell = row.querySelector(".report-file");
    if (report.download && cell && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.href = report.download;
      link.setAttribute("download", "");
      link.textContent = table.getAttribute("data-download-label");
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = " " + row.getAttribute("data-filename");
      link.appendChild(name);
      cell.textContent = "";
      cell.appendChild(link);
    }
  }

  function poll() {
    if (!pending()) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { reports: [] }; })
      .then(function (data) { data.reports.forEach(update); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1500);
})();
