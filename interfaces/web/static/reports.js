// Reports: payments and disbursements with their totals, and export latency per connector
// against the 10-minute SLA; each report downloads as CSV, exactly as it is listed.

import { call, saveFile } from "./api.js";
import { latencyChart } from "./chart.js";
import { fundingAccounts } from "./collections.js";
import { h, replaceChildren, timeOf } from "./dom.js";
import { pageHref } from "./nav.js";
import { badge, fundedFilters, listAll, load, loadingBody, pageHead, submitsFilters, table } from "./ui.js";
import { connectorName, exportStatusWords, humanize, money } from "./words.js";

const FILTERS = ["funding_account_id", "vendor_name", "from", "to"];
const SHOWN = 200; // rows a report shows; the CSV has them all

export function showReports(view, session, query) {
  document.title = "Reports · paysync";
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter the reports" });
  const body = loadingBody("Loading the reports…");
  replaceChildren(view.main, pageHead("Reports", "What was paid, from which account, and how fast it reached the ERP."), form, body);
  const filters = Object.fromEntries(FILTERS.map((n) => [n, query.get(n) || undefined]));
  load(view, body, async () => {
    // Every request at once, each report drawn as soon as its own numbers arrive.
    const accounts = fundingAccounts(session, view.signal);
    const named = accounts.then((list) => new Map(list.map((a) => [a.id, a.nickname])));
    const places = [0, 1, 2].map(() => loadingBody("Loading…"));
    replaceChildren(body, places);
    const fill = (place, work) => load(view, place, async () => replaceChildren(place, await work()));
    await Promise.all([
      accounts.then((list) => filterForm(form, query, list)),
      fill(places[0], async () =>
        latencySection(await call(session, "GET", "/reports/export-latency", { query: { from: filters.from, to: filters.to, limit: 100 }, signal: view.signal })),
      ),
      fill(places[1], () => payments(view, session, filters, named, places[1])),
      fill(places[2], async () => {
        const listed = listAll(session, "/reports/disbursements", { query: filters, signal: view.signal, max: 5000 });
        return disbursementsSection(...(await Promise.all([listed, named])));
      }),
    ]);
  });
}

/** The payments report: the rows shown are drawn from the first page, the totals (and the
 * CSV) once every page is in. */
async function payments(view, session, filters, named, place) {
  const first = call(session, "GET", "/reports/payments", { query: { ...filters, limit: SHOWN }, signal: view.signal });
  const [names, page] = await Promise.all([named, first]);
  if (!page.next_cursor) return paymentsSection({ items: page.items, more: false }, names);
  replaceChildren(place, paymentsSection({ items: page.items, more: true, partial: true }, names));
  const rest = await listAll(session, "/reports/payments", { query: filters, cursor: page.next_cursor, signal: view.signal, max: 5000 - SHOWN });
  return paymentsSection({ items: [...page.items, ...rest.items], more: rest.more }, names);
}

function filterForm(form, query, accounts) {
  replaceChildren(
    form,
    fundedFilters("report", query, accounts),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Show")),
  );
  submitsFilters(form, "/reports", FILTERS);
}

function cents(items, key) {
  return items.reduce((sum, item) => sum + Math.round(Number(item[key]) * 100), 0);
}

function total(value) {
  return money((value / 100).toFixed(2));
}

function section(id, title, summary, csv, ...content) {
  return h(
    "section",
    { class: "report", "aria-labelledby": `${id}-heading` },
    h("div", { class: "report-head" }, h("h2", { id: `${id}-heading` }, title), csv ? csvButton(title, csv) : null),
    h("p", { class: "summary" }, summary),
    content,
  );
}

function csvButton(title, csv) {
  const filename = `${title.toLowerCase().replaceAll(" ", "-")}.csv`;
  return h("button", { type: "button", class: "secondary", onclick: () => saveFile(new Blob([toCsv(csv)], { type: "text/csv" }), filename), "aria-label": `Download CSV: ${title}` }, "Download CSV");
}

/** RFC 4180: every field quoted, quotes doubled; a leading =+-@ is defused for spreadsheets. */
function toCsv({ columns, rows }) {
  const quote = (value) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
    return `"${text.replaceAll('"', '""')}"`;
  };
  return [columns.map(([name]) => name), ...rows.map((row) => columns.map(([, key]) => row[key]))]
    .map((line) => line.map(quote).join(","))
    .join("\r\n");
}

function latencySection(latency) {
  const overSla = latency.connectors.reduce((n, c) => n + c.over_sla, 0);
  const exported = latency.connectors.reduce((n, c) => n + c.exported, 0);
  const columns = [["connector", "connector"], ["exported", "exported"], ["median_seconds", "median_seconds"], ["p95_seconds", "p95_seconds"], ["p99_seconds", "p99_seconds"], ["max_seconds", "max_seconds"], ["over_sla", "over_sla"]];
  const seconds = (s) =>
    s < 1 ? `${Math.round(s * 1000)} ms` : s < 90 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
  return section(
    "latency",
    "Export latency",
    `${exported} record${exported === 1 ? "" : "s"} exported; ${overSla} took longer than the ${latency.sla_seconds / 60}-minute SLA (from funding complete to the ERP's answer).`,
    { columns, rows: latency.connectors },
    latencyChart(latency),
    table(
      "Export latency per connector",
      [
        ["Connector", (c) => connectorName(c.connector), { rowHeader: true }],
        ["Exported", (c) => c.exported, { num: true }],
        ["Median", (c) => seconds(c.median_seconds), { num: true }],
        ["p95", (c) => seconds(c.p95_seconds), { num: true }],
        ["p99", (c) => seconds(c.p99_seconds), { num: true }],
        ["Slowest", (c) => seconds(c.max_seconds), { num: true }],
        ["Over SLA", (c) => (c.over_sla ? h("strong", { class: "warn" }, c.over_sla) : "0"), { num: true }],
      ],
      latency.connectors,
      { empty: "No record has been exported yet." },
    ),
  );
}

function paymentsSection({ items, more, partial = false }, names) {
  const columns = ["invoice_number", "vendor_name", "amount", "check_number", "bank_id", "export_status", "payout_status", "disbursement_name", "status", "funding_account_id", "funded_at"].map((k) => [k, k]);
  return section(
    "payments",
    "Payments",
    partial
      ? `More than ${items.length} payments; totalling them all…`
      : `${items.length}${more ? "+" : ""} payment${items.length === 1 ? "" : "s"}, ${total(cents(items, "amount"))} in all.`,
    partial ? null : { columns, rows: items },
    table(
      "Payments",
      [
        ["Invoice", (p) => p.invoice_number, { rowHeader: true }],
        ["Vendor", (p) => p.vendor_name],
        ["Amount", (p) => money(p.amount), { num: true }],
        ["Check Number", (p) => p.check_number ?? "—", { mono: true }],
        ["Funding account", (p) => names.get(p.funding_account_id) ?? "—"],
        ["Disbursement", (p) => h("a", { href: pageHref(`/disbursements/${p.disbursement_id}`) }, p.disbursement_name)],
        ["Export status", (p) => badge(p.export_status, exportStatusWords(p.export_status))],
        ["Funded", (p) => timeOf(p.funded_at)],
      ],
      items.slice(0, SHOWN),
      { empty: "No payment matches." },
    ),
    items.length > SHOWN && !partial ? h("p", { class: "help" }, `The first ${SHOWN} are shown; the CSV has all ${items.length}.`) : null,
  );
}

function disbursementsSection({ items, more }, names) {
  const columns = ["name", "status", "funding_account_id", "payment_count", "total_amount", "drafted_by", "authorized_by", "drafted_at", "funded_at"].map((k) => [k, k]);
  const byStatus = new Map();
  for (const d of items) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + Math.round(Number(d.total_amount) * 100));
  return section(
    "disbursements",
    "Disbursements",
    `${items.length}${more ? "+" : ""} disbursement${items.length === 1 ? "" : "s"}, ${total(cents(items, "total_amount"))} in all` +
      (byStatus.size ? `: ${[...byStatus].map(([s, c]) => `${humanize(s).toLowerCase()} ${total(c)}`).join(", ")}.` : "."),
    { columns, rows: items },
    table(
      "Disbursements",
      [
        ["Name", (d) => h("a", { href: pageHref(`/disbursements/${d.id}`) }, d.name), { rowHeader: true }],
        ["Status", (d) => badge(d.status)],
        ["Funding account", (d) => names.get(d.funding_account_id) ?? "—"],
        ["Payments", (d) => d.payment_count, { num: true }],
        ["Total", (d) => money(d.total_amount), { num: true }],
        ["Funded", (d) => timeOf(d.funded_at)],
      ],
      items.slice(0, SHOWN),
      { empty: "No disbursement matches." },
    ),
  );
}
