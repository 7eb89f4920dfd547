// Export latency per connector as a bar chart, drawn by uPlot (vendored under static/vendor,
// MIT, no build step): median, p95 and p99 beside the 10-minute SLA line.

import { APP_ROOT } from "./nav.js";
import { h } from "./dom.js";
import { connectorName } from "./words.js";

let loading = null;
const TICKS = [0.01, 0.1, 1, 10, 60, 600];

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
  // Seconds on a log scale: a 0.2 s export and the 600 s SLA both stay visible.
  const floor = 0.01;
  const sla = report.sla_seconds;
  const xs = report.connectors.map((_, i) => i + 1);
  const names = report.connectors.map((c) => connectorName(c.connector));
  const at = (key) => report.connectors.map((c) => Math.max(floor * 1.5, c[key]));
  const shift = { median: -0.25, p95: 0, p99: 0.25 };
  const bars = (key, label, color) => ({
    label,
    fill: color,
    stroke: color,
    width: 0,
    points: { show: false },
    fillTo: () => floor,
    paths: uPlot.paths.bars({
      disp: {
        x0: { unit: 1, values: () => xs.map((x) => x + shift[key] - 0.11) },
        size: { unit: 1, values: () => xs.map(() => 0.22) },
      },
    }),
  });
  const slaLine = (u) => {
    const y = u.valToPos(sla, "y", true);
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = "#b42318";
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([8 * devicePixelRatio, 5 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.fillStyle = "#b42318";
    ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = "right";
    ctx.fillText("SLA: 10 minutes", bbox.left + bbox.width - 6 * devicePixelRatio, y - 6 * devicePixelRatio);
    ctx.restore();
  };
  const options = {
    width: Math.min(900, figure.parentElement?.clientWidth || 900),
    height: 300,
    legend: { live: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [0.5, xs.length + 0.5] },
      y: { distr: 3, log: 10, range: [floor, sla * 2] },
    },
    axes: [
      { values: (_, ticks) => ticks.map((t) => names[t - 1] ?? ""), splits: () => xs, grid: { show: false } },
      {
        label: "time to the ERP (log scale)",
        size: 64,
        splits: () => TICKS,
        values: (_, ticks) => ticks.map((t) => (t === null ? "" : t >= 60 ? `${t / 60} min` : `${t} s`)),
      },
    ],
    series: [
      { label: "Connector" },
      bars("median", "Median", "#1f5fbf"),
      bars("p95", "p95", "#6d9be0"),
      bars("p99", "p99", "#9bb8e8"),
    ],
    hooks: { draw: [slaLine] },
  };
  const data = [xs, at("median_seconds"), at("p95_seconds"), at("p99_seconds")];
  const plot = new uPlot(options, data, figure);
  figure.append(h("figcaption", { class: "help" }, "Median, p95 and p99 per connector; the dashed red line is the 10-minute SLA."));
  return plot;
}
