// The dashboard's cash chart: Chart.js (vendored, chart.umd.min.js) draws the series of the JSON data island
// #cash-data — GET /api/v1/dashboard's `cash`, with the amounts already written the reader's way by the server,
// so nothing is added up or formatted here but the axis graduations. The month table stays the figure of record.
(function () {
  "use strict";
  const island = document.getElementById("cash-data");
  const canvas = document.getElementById("cash-chart");
  if (!island || !canvas || typeof window.Chart === "undefined") return;
  const data = JSON.parse(island.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const axis = new Intl.NumberFormat(data.locale, {
    style: "currency", currency: data.currency, notation: "compact", maximumFractionDigits: 1,
  });
  const series = (key) => data.series.map((month) => Number(month[key].amount));
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names[0], data: series("cash_in"), backgroundColor: colour("--ok", "#2e7d32") },
        { label: data.names[1], data: series("cash_out"), backgroundColor: colour("--warn", "#b26a00") },
      ],
    },
    options: {
      locale: data.locale,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false }, // the page's legend says it, with the twelve months' totals
        tooltip: { callbacks: { label: (item) => data.shown[item.dataIndex][item.datasetIndex] } },
      },
      scales: {
        x: { grid: { display: false } },
        y: { beginAtZero: true, ticks: { callback: (value) => axis.format(value).replace("-", "\u2212") } },
      },
    },
  });
})();
