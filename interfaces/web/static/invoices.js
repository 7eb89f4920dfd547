// Invoices: what each owes, whether it is paid, and whether its bill is in the ERP yet; an
// invoice is synced before it is paid, or its payment record cannot link to the bill.

import { call, seg } from "./api.js";
import { invoices } from "./collections.js";
import { h, replaceChildren } from "./dom.js";
import { can } from "./nav.js";
import { badge, load, pageHead, problem, table } from "./ui.js";
import { money } from "./words.js";

const SYNC_WORDS = {
  not_synced: "Not synced",
  synced: "Synced",
  sync_failed: "Sync failed",
  sync_disabled: "Sync disabled",
};

export function showInvoices(view, session) {
  document.title = "Invoices · paysync";
  const notice = h("div", { class: "notice", role: "status" });
  const body = h("div", {}, h("p", { class: "loading" }, "Loading invoices…"));
  replaceChildren(
    view.main,
    pageHead(
      "Invoices",
      "Subcontractor invoices: their payment status and whether their bill is in the ERP.",
    ),
    notice,
    body,
  );
  const draw = async () => {
    const { items, listed } = await invoices(session, view.signal);
    replaceChildren(
      body,
      listed
        ? null
        : h("p", { class: "help" }, "This server does not list invoices yet: shown are the invoices that have payments."),
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
          ["Actions", (i) => actions(session, i, notice, () => load(view, body, draw))],
        ].filter(([header]) => header !== "Actions" || can(session, "sync_invoice")),
        items,
        { empty: "No invoice yet." },
      ),
    );
  };
  load(view, body, draw);
}

function actions(session, invoice, notice, redraw) {
  const act = async (button, path, done) => {
    button.disabled = true;
    try {
      await call(session, "POST", `/invoices/${seg(invoice.id)}/${path}`);
      replaceChildren(notice, h("p", { class: "success" }, done));
      redraw();
    } catch (error) {
      replaceChildren(notice, problem(error, `Invoice ${invoice.invoice_number}: not done. `));
      button.disabled = false;
    }
  };
  const buttons = [];
  if (!invoice.approved && can(session, "approve_invoice")) {
    buttons.push(
      h("button", {
        type: "button",
        class: "secondary",
        "aria-label": `Approve invoice ${invoice.invoice_number}`,
        onclick: (e) => act(e.currentTarget, "approve", `Invoice ${invoice.invoice_number} was approved.`),
      }, "Approve"),
    );
  }
  if (invoice.erp_sync_status !== "synced" && can(session, "sync_invoice")) {
    buttons.push(
      h("button", {
        type: "button",
        class: "secondary",
        "aria-label": `Sync to ERP: invoice ${invoice.invoice_number}`,
        onclick: (e) => act(e.currentTarget, "erp-sync", `Invoice ${invoice.invoice_number} was synced to the ERP.`),
      }, "Sync to ERP"),
    );
  }
  return buttons.length ? h("div", { class: "row-actions" }, buttons) : h("span", { class: "muted" }, "—");
}
