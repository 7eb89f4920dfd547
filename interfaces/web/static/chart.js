// Export latency per connector as a bar chart, drawn by uPlot (vendored under static/vendor,
// MIT, no build step): median, p95 and p99 beside the 10-minute SLA line.

import { APP_ROOT } from "./nav.js";
import { h } from "./dom.js";
import { connectorName } from "./words.js";

let loading = null;

/** uPlot, loaded once as a classic script (it is published as an IIFE that sets window.uPlot). */
function uPlotLibrary() {
  loading ??= new Promise((resolve, reject) => {
    const css = h("link", { rel: "stylesheet", href: new URL("static/vendor/uPlot.min.css", APP_ROOT).pathname });
    const script = h("script", { src: new URL("static/vendor/uPlot.iife.min.js", APP_ROOT).pathname });
    script.addEventListener("load", () => resolve(window.uPlot));
    script.addEventListener("error", () => reject(new Error("the chart library did not load")));
    document.head.append(css, script);
  });
  return loading;
}

/** A figure with the chart; the table beside it carries the same numbers for every reader. */
export function latencyChart(report) {
  const figure = h(
    "figure",
    { class: "chart", role: "img", "aria-label": "Export latency per connector against the 10-minute SLA; the table below gives the numbers." },
  );
  if (report.connectors.length === 0) return figure;
  uPlotLibrary().then((uPlot) => draw(uPlot, figure, report), () => figure.append(h("p", { class: "muted" }, "The chart could not be drawn; the table has the numbers.")));
  return figure;
}

function draw(uPlot, figure, report) {
  const minutes = (seconds) => seconds / 60;
  const xs = report.connectors.map((_, i) => i + 1);
  const names = report.connectors.map((c) => connectorName(c.connector));
  const series = (label, color) => ({
    label,
    fill: color,
    stroke: color,
    width: 0,
    points: { show: false },
    value: (_, v) => (v == null ? "—" : `${v.toFixed(2)} min`),
  });
  const data = [
    xs,
    report.connectors.map((c) => minutes(c.median_seconds)),
    report.connectors.map((c) => minutes(c.p95_seconds)),
    report.connectors.map((c) => minutes(c.p99_seconds)),
    xs.map(() => minutes(report.sla_seconds)),
  ];
  const options = {
    width: Math.min(900, figure.parentElement?.clientWidth || 900),
    height: 280,
    scales: { x: { time: false, range: [0.5, xs.length + 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(max, minutes(report.sla_seconds)) * 1.1] } },
    axes: [
      { values: (_, ticks) => ticks.map((t) => names[t - 1] ?? ""), splits: () => xs, grid: { show: false } },
      { label: "minutes from funding to the ERP", values: (_, ticks) => ticks.map((t) => `${t}`) },
    ],
    series: [
      { label: "Connector", value: (_, v) => names[v - 1] ?? "" },
      series("Median", "#1f5fbf"),
      series("p95", "#6d9be0"),
      series("p99", "#9bb8e8"),
      { label: "SLA (10 minutes)", stroke: "#b42318", width: 2, dash: [6, 4], points: { show: false } },
    ],
  };
  // Three bars side by side per connector: each series' bars placed left of, on, or right of
  // the connector's tick, in data units.
  const shift = [null, -0.25, 0, 0.25, null];
  options.series.forEach((s, i) => {
    if (shift[i] === null || i === 0) return;
    s.paths = uPlot.paths.bars({
      disp: {
        x0: { unit: 1, values: () => xs.map((x) => x + shift[i] - 0.11) },
        size: { unit: 1, values: () => xs.map(() => 0.22) },
      },
    });
  });
  const plot = new uPlot(options, data, figure);
  figure.append(h("figcaption", { class: "help" }, "Median, p95 and p99 per connector; the dashed red line is the 10-minute SLA."));
  return plot;
}
