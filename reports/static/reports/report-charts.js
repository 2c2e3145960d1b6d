/* Charts of the report page. Data comes from the json_script #report-charts. A withheld
   value is null there with its index in `gaps`: drawn as a gap with a label, never as a
   zero. The current month, still running, is drawn dashed and labelled; months still to
   come are null. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var text = data.text || {};
  var palette = ["#1b6b4a", "#c0582b", "#3b6ea5", "#8a5aa8", "#b08a1e"];
  function draw(id, config) {
    var el = document.getElementById(id);
    if (el) { new Chart(el, config); }
  }
  var months = data.months.map(function (m, i) {
    if (i === data.incomplete) { return [m, "(" + text.incomplete + ")"]; }
    if ((data.future || []).indexOf(i) >= 0) { return [m, "(" + text.future + ")"]; }
    return m;
  });
  /* Writes a label where a withheld value would be (a bar or point at the axis). */
  var gapLabels = {
    id: "gapLabels",
    afterDatasetsDraw: function (chart) {
      var c = chart.ctx;
      c.save();
      c.fillStyle = "#555";
      c.font = "11px sans-serif";
      chart.data.datasets.forEach(function (ds, di) {
        (ds.gaps || []).forEach(function (i) {
          var horizontal = chart.options.indexAxis === "y";
          var scale = horizontal ? chart.scales.y : chart.scales.x;
          var other = horizontal ? chart.scales.x : chart.scales.y;
          var at = scale.getPixelForValue(i);
          var base = other.getPixelForValue(0);
          if (horizontal) { c.fillText("x: " + text.withheld, base + 4, at + 4); }
          else { c.fillText("x", at - 3, base - 6 - 12 * di); }
        });
      });
      c.restore();
    }
  };
  var incomplete = data.incomplete;
  draw("chart-trend", {
    type: "line",
    data: {
      labels: months,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.data, gaps: s.gaps,
                 borderColor: palette[i % palette.length],
                 backgroundColor: palette[i % palette.length], spanGaps: false, tension: 0.2,
                 segment: { borderDash: function (ctx) {
                   return incomplete !== null && ctx.p1DataIndex === incomplete ? [4, 4] : undefined;
                 } } };
      })
    },
    options: { responsive: true, maintainAspectRatio: false,
               plugins: { legend: { position: "bottom" } },
               scales: { y: { beginAtZero: true } } },
    plugins: [gapLabels]
  });
  draw("chart-categories", {
    type: "bar",
    data: { labels: data.categories.labels,
            datasets: [{ data: data.categories.data, gaps: data.categories.gaps,
                         backgroundColor: palette }] },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false,
               plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
    plugins: [gapLabels]
  });
  draw("chart-funnel", {
    type: "bar",
    data: { labels: data.funnel.labels,
            datasets: [{ data: data.funnel.data, gaps: data.funnel.gaps,
                         backgroundColor: palette[0] }] },
    options: { responsive: true, maintainAspectRatio: false,
               plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    plugins: [gapLabels]
  });
})();
