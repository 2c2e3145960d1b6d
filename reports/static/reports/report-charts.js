/* Charts of the report page. Data comes from the json_script #report-charts; hidden
   (suppressed) values are null there, so they are gaps, never numbers. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#1b6b4a", "#c0582b", "#3b6ea5", "#8a5aa8", "#b08a1e"];
  function draw(id, config) {
    var el = document.getElementById(id);
    if (el) { new Chart(el, config); }
  }
  draw("chart-trend", {
    type: "line",
    data: {
      labels: data.months,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.data, borderColor: palette[i % palette.length],
                 backgroundColor: palette[i % palette.length], spanGaps: false, tension: 0.2 };
      })
    },
    options: { responsive: true, maintainAspectRatio: false,
               plugins: { legend: { position: "bottom" } },
               scales: { y: { beginAtZero: true } } }
  });
  draw("chart-categories", {
    type: "bar",
    data: { labels: data.categories.labels,
            datasets: [{ data: data.categories.data, backgroundColor: palette }] },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false,
               plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
  });
  draw("chart-funnel", {
    type: "bar",
    data: { labels: data.funnel.labels,
            datasets: [{ data: data.funnel.data, backgroundColor: palette[0] }] },
    options: { responsive: true, maintainAspectRatio: false,
               plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  });
})();
