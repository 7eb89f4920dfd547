// Invoices: what each owes, whether it is paid, and whether its bill is in the ERP yet; an
// invoice is synced before it is paid, or its payment record cannot link to the bill.

import { call, seg } from "./api.js";
import { invoicePage } from "./collections.js";
import { h, replaceChildren } from "./dom.js";
import { can } from "./nav.js";
import { badge, field, load, loadingBody, pageHead, problem, querySelect, submitsFilters, table } from "./ui.js";
import { money } from "./words.js";
import { ErpSyncStatus, PaymentStatus } from "./vocabulary.js";

const SYNC_WORDS = { not_synced: "Not synced", synced: "Synced" };
const FILTERS = {
  payment_status: [["", "Any"], [PaymentStatus.UNPAID, "Unpaid"], [PaymentStatus.PARTIALLY_PAID, "Partially paid"], [PaymentStatus.PAID, "Paid"]],
  erp_sync_status: [["", "Any"], [ErpSyncStatus.NOT_SYNCED, "Not synced"], [ErpSyncStatus.SYNCED, "Synced"]],
};

export function showInvoices(view, session, query) {
  document.title = "Invoices · paysync";
  const notice = h("div", { class: "notice", role: "status" });
  const body = loadingBody("Loading invoices…");
  replaceChildren(
    view.main,
    pageHead("Invoices", "Subcontractor invoices: their payment status and whether their bill is in the ERP."),
    filterForm(query),
    notice,
    body,
  );
  const wanted = Object.fromEntries(Object.keys(FILTERS).map((n) => [n, query.get(n) || undefined]));
  load(view, body, async () => {
    // The first 100 at once, the rest on request: the page paints fast with any number.
    let { items, listed, next_cursor: cursor } = await invoicePage(session, view.signal, wanted);
    // A server without the collection lists them unfiltered: the same filter, here.
    const matching = (list) => list.filter((i) => Object.entries(wanted).every(([n, v]) => !v || i[n] === v));
    const shown = matching(items);
    const more = async (button) => {
      button.disabled = true;
      const page = await invoicePage(session, view.signal, wanted, cursor);
      shown.push(...matching(page.items));
      cursor = page.next_cursor;
      draw();
      body.querySelector("tbody tr:last-child button, tbody tr:last-child th")?.focus?.();
    };
    const draw = () =>
      replaceChildren(
        body,
        listed ? null : h("p", { class: "help" }, "This server does not list invoices yet: they are read from its history."),
        table(
          "Invoices",
          [
            ["Invoice", (i) => i.invoice_number, { rowHeader: true }],
            ["Vendor", (i) => i.vendor_name],
            ["Project", (i) => i.project],
            ["Amount due", (i) => money(i.amount_due), { num: true }],
            ["Open", (i) => money(i.open_amount), { num: true }],
            ["Approved", (i) => (i.approved ? `by ${i.approved_by}` : "Not yet")],
            ["Payment status", (i) => badge(i.payment_status)],
            ["ERP sync", (i) => [badge(i.erp_sync_status, SYNC_WORDS[i.erp_sync_status]), i.erp_ref ? h("span", { class: "mono muted" }, ` ${i.erp_ref}`) : null]],
            ["Actions", (i) => actions(session, i, notice, replace)],
          ].filter(([header]) => header !== "Actions" || can(session, "sync_invoice")),
          shown,
          { empty: "No invoice matches." },
        ),
        cursor
          ? h("div", { class: "more" }, h("button", { type: "button", class: "secondary", onclick: (e) => more(e.currentTarget) }, "Load more invoices"))
          : null,
      );
    // An action's answer is the invoice as it now is: its row shows that at once.
    const replace = (fresh) => {
      const at = shown.findIndex((i) => i.id === fresh.id);
      if (at >= 0) shown[at] = fresh;
      draw();
      document.getElementById(`invoice-actions-${fresh.id}`)?.querySelector("button")?.focus();
    };
    draw();
  });
}

function filterForm(query) {
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter invoices" });
  replaceChildren(
    form,
    field("filter-payment", "Payment status", querySelect(query, "payment_status", FILTERS.payment_status)),
    field("filter-sync", "ERP sync", querySelect(query, "erp_sync_status", FILTERS.erp_sync_status)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Filter")),
  );
  submitsFilters(form, "/invoices", Object.keys(FILTERS));
  return form;
}

function actions(session, invoice, notice, replace) {
  const act = async (button, path, done) => {
    button.disabled = true;
    try {
      const fresh = await call(session, "POST", `/invoices/${seg(invoice.id)}/${path}`);
      replaceChildren(notice, h("p", { class: "success" }, done));
      replace(fresh);
    } catch (error) {
      replaceChildren(notice, problem(error, `Invoice ${invoice.invoice_number}: not done. `));
      button.disabled = false;
    }
  };
  const buttons = [];
  if (!invoice.approved && can(session, "approve_invoice")) {
    buttons.push(
      h("button", { type: "button", class: "secondary", "aria-label": `Approve invoice ${invoice.invoice_number}`, onclick: (e) => act(e.currentTarget, "approve", `Invoice ${invoice.invoice_number} was approved.`) }, "Approve"),
    );
  }
  if (invoice.approved && invoice.erp_sync_status !== ErpSyncStatus.SYNCED && can(session, "sync_invoice")) {
    buttons.push(
      h("button", { type: "button", class: "secondary", "aria-label": `Sync to ERP: invoice ${invoice.invoice_number}`, onclick: (e) => act(e.currentTarget, "erp-sync", `Invoice ${invoice.invoice_number} was synced to the ERP.`) }, "Sync to ERP"),
    );
  }
  return h("div", { class: "row-actions", id: `invoice-actions-${invoice.id}` }, buttons.length ? buttons : h("span", { class: "muted" }, "—"));
}
