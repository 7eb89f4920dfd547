// Disbursements: by status, with filters kept in the address (so a filtered list can be
// bookmarked); and a new draft from open invoices, one amount per invoice, at most 100.

import { ApiError, call, seg } from "./api.js";
import { fundingAccounts, invoices } from "./collections.js";
import { h, replaceChildren, timeOf } from "./dom.js";
import { can, navigate, pageHref } from "./nav.js";
import { actionForm, badge, field, fundedFilters, listAll, load, loadingBody, pageHead, querySelect, submitsFilters, table } from "./ui.js";
import { money } from "./words.js";
import { DisbursementStatus } from "./vocabulary.js";

const MAX_PAYMENTS = 100;
const STATUSES = [
  ["", "Any status"],
  [DisbursementStatus.DRAFT, "Draft"],
  [DisbursementStatus.FUNDING_REQUESTED, "Funding requested"],
  [DisbursementStatus.FUNDING_COMPLETE, "Funding complete"],
  [DisbursementStatus.FUNDING_FAILED, "Funding failed"],
  [DisbursementStatus.CANCELED, "Canceled"],
];
const FILTERS = ["status", "funding_account_id", "vendor_name", "from", "to"];

export function showDisbursements(view, session, query) {
  document.title = "Disbursements · paysync";
  const body = loadingBody("Loading disbursements…");
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter disbursements" });
  replaceChildren(
    view.main,
    pageHead(
      "Disbursements",
      "Runs of invoice payments, each funded by one drawdown from one funding account.",
      can(session, "draft_disbursement")
        ? h("p", {}, h("a", { class: "button-link", href: pageHref("/disbursements/new") }, "New disbursement"))
        : null,
    ),
    statusTabs(query),
    form,
    body,
  );
  load(view, body, async () => {
    const accounts = await fundingAccounts(session, view.signal);
    const names = new Map(accounts.map((a) => [a.id, a.nickname]));
    filterForm(form, query, accounts);
    const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || undefined]));
    const { items, more } = await listAll(session, "/reports/disbursements", { query: filters, signal: view.signal, max: 1000 });
    const total = items.reduce((sum, d) => sum + Math.round(Number(d.total_amount) * 100), 0);
    replaceChildren(
      body,
      h("p", { class: "summary", role: "status" }, `${items.length}${more ? "+" : ""} disbursement${items.length === 1 ? "" : "s"}, ${money((total / 100).toFixed(2))} in all.`),
      table(
        "Disbursements",
        [
          ["Name", (d) => h("a", { href: pageHref(`/disbursements/${seg(d.id)}`) }, d.name), { rowHeader: true }],
          ["Status", (d) => badge(d.status)],
          ["Funding account", (d) => names.get(d.funding_account_id) ?? d.funding_account_id],
          ["Payments", (d) => d.payment_count, { num: true }],
          ["Total", (d) => money(d.total_amount), { num: true }],
          ["Drafted by", (d) => d.drafted_by],
          ["Authorized by", (d) => d.authorized_by ?? "—"],
          ["Drafted", (d) => timeOf(d.drafted_at)],
          ["Funded", (d) => timeOf(d.funded_at)],
        ],
        items,
        { empty: "No disbursement matches these filters." },
      ),
    );
  });
}

function filterForm(form, query, accounts) {
  replaceChildren(
    form,
    field("filter-status", "Status", querySelect(query, "status", STATUSES)),
    fundedFilters("filter", query, accounts),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Filter")),
  );
  submitsFilters(form, "/disbursements", FILTERS);
}

export function showDraft(view, session) {
  document.title = "New disbursement · paysync";
  const body = loadingBody("Loading open invoices…");
  replaceChildren(
    view.main,
    h("p", { class: "back" }, h("a", { href: pageHref("/disbursements") }, "← Disbursements")),
    pageHead(
      "New disbursement",
      `Choose the funding account and the invoices to pay, with the amount for each (at most ${MAX_PAYMENTS} payments). It stays a draft until it is authorized.`,
    ),
    body,
  );
  if (!can(session, "draft_disbursement")) {
    replaceChildren(body, h("p", { class: "problem", role: "alert" }, "Only a payments admin drafts disbursements."));
    return;
  }
  load(view, body, async () => {
    const [accounts, listed] = await Promise.all([fundingAccounts(session, view.signal), invoices(session, view.signal)]);
    const open = listed.items.filter((i) => i.approved && Number(i.open_amount) > 0);
    const active = accounts.filter((a) => !a.deactivated);
    if (!active.length) {
      replaceChildren(body, h("p", { class: "empty" }, "No funding account to pay from: ", h("a", { href: pageHref("/funding-accounts") }, "open one first"), "."));
      return;
    }
    replaceChildren(body, draftForm(session, active, open));
  });
}

function draftForm(session, accounts, open) {
  const counter = h("p", { class: "help", id: "draft-count", "aria-live": "polite" }, "No invoice chosen.");
  const rows = open.map((invoice) => {
    const label = `Pay invoice ${invoice.invoice_number}`;
    const check = h("input", { type: "checkbox", name: "invoice", value: invoice.id, "aria-label": label });
    const amountInput = h("input", {
      type: "text",
      inputmode: "decimal",
      name: `amount-${invoice.id}`,
      class: "field field-amount",
      value: invoice.open_amount,
      "aria-label": `Amount for invoice ${invoice.invoice_number}`,
      disabled: true,
    });
    check.addEventListener("change", () => {
      amountInput.disabled = !check.checked;
      const chosen = open.length ? document.querySelectorAll('input[name="invoice"]:checked').length : 0;
      counter.textContent = chosen
        ? `${chosen} of at most ${MAX_PAYMENTS} payments chosen.${chosen > MAX_PAYMENTS ? " Too many: remove some." : ""}`
        : "No invoice chosen.";
    });
    return { invoice, check, amountInput };
  });
  const name = h("input", { type: "text", name: "name", class: "field wide", required: true, autocomplete: "off" });
  const account = h("select", { name: "funding_account_id", required: true }, accounts.map((a) => h("option", { value: a.id }, `${a.nickname} (Bank ID ${a.bank_id}, next check ${a.next_check_number})`)));
  return actionForm(
    { class: "draft-form" },
    [
      field("draft-name", "Name", name, "For example, “November pay run”."),
      field("draft-account", "Funding account", account),
      h("h2", {}, "Open invoices"),
      counter,
      rows.length
        ? h(
            "table",
            { class: "records-table" },
            h("caption", { class: "visually-hidden" }, "Open invoices to pay"),
            h("thead", {}, h("tr", {}, ["Pay", "Invoice", "Vendor", "Project", "Open amount", "Amount to pay", "ERP sync"].map((t) => h("th", { scope: "col" }, t)))),
            h(
              "tbody",
              {},
              rows.map(({ invoice, check, amountInput }) =>
                h(
                  "tr",
                  {},
                  h("td", {}, check),
                  h("th", { scope: "row" }, invoice.invoice_number),
                  h("td", {}, invoice.vendor_name),
                  h("td", {}, invoice.project),
                  h("td", { class: "num" }, money(invoice.open_amount)),
                  h("td", {}, amountInput),
                  h("td", {}, badge(invoice.erp_sync_status)),
                ),
              ),
            ),
          )
        : h("p", { class: "empty" }, "No approved invoice has an open amount."),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save draft")),
    ],
    async () => {
      const chosen = rows.filter((r) => r.check.checked);
      if (!name.value.trim()) throw refusal("Give the disbursement a name.", name);
      if (chosen.length === 0) throw refusal("Choose at least one invoice to pay.");
      if (chosen.length > MAX_PAYMENTS) throw refusal(`A disbursement pays at most ${MAX_PAYMENTS} invoices; ${chosen.length} are chosen.`);
      const created = await call(session, "POST", "/disbursements", {
        body: {
          name: name.value.trim(),
          funding_account_id: account.value,
          payments: chosen.map((r) => ({ invoice_id: r.invoice.id, amount: r.amountInput.value.trim() })),
        },
      });
      navigate(pageHref(`/disbursements/${seg(created.id)}`));
      return null;
    },
  );
}

function refusal(detail, input) {
  input?.setAttribute("data-invalid-on-refusal", "");
  return new ApiError(422, { detail });
}

/** The statuses as tabs; the other filters stay as they are. */
function statusTabs(query) {
  const current = query.get("status") ?? "";
  const others = Object.fromEntries(FILTERS.filter((n) => n !== "status").map((n) => [n, query.get(n)]));
  return h(
    "nav",
    { class: "tabs", "aria-label": "Disbursements by status" },
    h(
      "ul",
      {},
      STATUSES.map(([value, label]) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: pageHref("/disbursements", { ...others, status: value }), "aria-current": value === current ? "page" : undefined },
            value ? label : "All",
          ),
        ),
      ),
    ),
  );
}
