// One payment record's table rows: its fields (editable once it failed), why it failed in
// words with the ERP's own code and message, its actions, and any message about it.

import { seg } from "./api.js";
import { h, timeOf } from "./dom.js";
import {
  connectorName,
  exportStatusWords,
  failureIsTransient,
  failureRemedy,
  failureWords,
  money,
} from "./words.js";
import { ExportFailureReason, ExportStatus } from "./vocabulary.js";

export function recordRows(list, item) {
  const id = item.payment_id;
  const failed = item.export_status === ExportStatus.FAILED_TO_EXPORT;
  const reason = item.export_failure?.reason;
  const actionable = list.session.canEdit && failed;
  const fieldsEditable = actionable && !failureIsTransient(reason);
  const busy = list.busy.has(id);
  const message = list.messages.get(id);
  const messageId = `message-${id}`;
  const ids = { form: `export-${id}`, check: `check-${id}`, bank: `bank-${id}` };
  const draft = list.drafts.get(id) ?? {};
  const invoice = item.invoice_number;

  const field = (name, inputId, label, extra) =>
    fieldsEditable
      ? [
          h("label", { for: inputId, class: "visually-hidden" }, `${label} for invoice ${invoice}`),
          h("input", {
            id: inputId,
            name,
            form: ids.form,
            type: "text",
            class: `field field-${name}`,
            value: draft[name] ?? String(item[name] ?? ""),
            autocomplete: "off",
            spellcheck: "false",
            disabled: busy,
            "aria-invalid": message?.field === name ? "true" : undefined,
            "aria-describedby": message ? messageId : undefined,
            oninput: (event) =>
              list.drafts.set(id, { ...list.drafts.get(id), [name]: event.target.value }),
            ...extra,
          }),
        ]
      : h("span", { class: "mono" }, item[name] ?? "—");

  const cells = [
    h(
      "th",
      { scope: "row" },
      h(
        "a",
        { href: `#/disbursements/${seg(item.disbursement_id)}`, title: "Open its disbursement" },
        invoice,
      ),
    ),
    h("td", { class: "vendor" }, item.vendor_name),
    h("td", { class: "num" }, money(item.amount)),
    h(
      "td",
      {},
      field("check_number", ids.check, "Check Number", { inputmode: "numeric", maxlength: 12 }),
    ),
    h("td", {}, field("bank_id", ids.bank, "Bank ID", { maxlength: 60 })),
    h("td", { class: "status-cell" }, statusOf(list, item)),
    h("td", {}, timeOf(item.funded_at)),
  ];
  if (list.withReference) cells.push(h("td", { class: "mono" }, referenceOf(item)));
  if (list.withActions) {
    cells.push(
      h(
        "td",
        { class: "actions-cell" },
        actionable ? actionsOf(list, item, ids, busy, message ? messageId : undefined) : null,
      ),
    );
  }
  const row = h(
    "tr",
    {
      dataset: { paymentId: id },
      class: failed ? "is-failed" : undefined,
      "aria-busy": busy ? "true" : undefined,
    },
    cells,
  );
  const rows = [row];
  if (message) {
    rows.push(
      h(
        "tr",
        { class: `row-message ${message.kind}` },
        h(
          "td",
          { colSpan: cells.length },
          h(
            "p",
            { id: messageId, role: message.kind === "error" ? "alert" : "status" },
            message.title ? h("strong", {}, `${message.title} `) : null,
            message.text,
          ),
        ),
      ),
    );
  }
  list.rows.set(id, rows);
  return rows;
}

/** The ERP's reference of an exported record, after the name of the ERP that holds it (the
 * one its export named, which may not be the company's connector today); one marked by hand
 * says so. */
function referenceOf(item) {
  const held = item.erp_payment_ref ?? "—";
  const reference = item.erp_connector ? `${connectorName(item.erp_connector)}: ${held}` : held;
  return item.marked_by_hand
    ? [reference, h("span", { class: "by-hand" }, " (marked by hand)")]
    : reference;
}

function statusOf(list, item) {
  const status = item.export_status;
  const parts = [h("span", { class: `badge badge-${status}` }, exportStatusWords(status))];
  const failure = item.export_failure;
  if (status === ExportStatus.FAILED_TO_EXPORT && failure) {
    parts.push(h("p", { class: "reason" }, failureWords(failure.reason)));
    // Only an answer with the ERP's own code is the ERP's words; the rest is paysync's.
    if (failure.erp_code) {
      parts.push(
        h(
          "p",
          { class: "erp-says" },
          h("span", { class: "erp-code" }, `${list.connector} error ${failure.erp_code}: `),
          failure.message || "(no message)",
        ),
      );
    } else if (failure.message) {
      parts.push(h("p", { class: "paysync-says" }, failure.message));
    }
    if (list.session.canEdit)
      parts.push(h("p", { class: "remedy" }, failureRemedy(failure.reason)));
  } else if (status === ExportStatus.PENDING) {
    parts.push(
      h(
        "p",
        { class: "waiting" },
        h("span", { class: "spinner", "aria-hidden": "true" }),
        "Waiting for the ERP…",
      ),
    );
    const retry = item.retry;
    if (retry) {
      const tries = retry.tries === 1 ? "1 try" : `${retry.tries} tries`;
      parts.push(
        h(
          "p",
          { class: "retrying" },
          `The ERP could not be reached (${tries} so far; last error: ${retry.message}). `,
          "paysync tries again by itself; next try ",
          timeOf(retry.next_try_at),
          ".",
        ),
      );
    }
  } else if (item.exported_at) {
    parts.push(
      h(
        "p",
        { class: "when" },
        item.marked_by_hand ? "Marked by hand on " : "on ",
        timeOf(item.exported_at),
      ),
    );
  }
  return parts;
}

function actionsOf(list, item, ids, busy, describedBy) {
  const id = item.payment_id;
  const invoice = item.invoice_number;
  const reference = h("input", {
    id: `ref-${id}`,
    name: "erp_payment_ref",
    type: "text",
    class: "field",
    autocomplete: "off",
    maxlength: 100,
    disabled: busy,
  });
  const waitsForInvoice = item.export_failure?.reason === ExportFailureReason.INVOICE_NOT_SYNCED;
  return [
    h(
      "form",
      {
        id: ids.form,
        class: "row-actions",
        onsubmit: (event) => {
          event.preventDefault();
          list.actions.export(id);
        },
      },
      h(
        "button",
        {
          type: "submit",
          class: "primary",
          disabled: busy,
          "aria-describedby": describedBy,
          "aria-label": `Export invoice ${invoice}`,
        },
        busy ? "Working…" : "Export",
      ),
      waitsForInvoice
        ? h(
            "button",
            {
              type: "button",
              class: "primary",
              disabled: busy,
              "aria-label": `Sync invoice ${invoice} to the ERP`,
              onclick: () => list.actions.syncInvoice(id),
            },
            "Sync invoice",
          )
        : null,
      waitsForInvoice
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              disabled: busy,
              "aria-label": `Relink invoice ${invoice}`,
              onclick: () => list.actions.relink(id),
            },
            "Relink",
          )
        : null,
    ),
    h(
      "details",
      { class: "mark-exported" },
      h("summary", {}, "Mark as exported…"),
      h(
        "form",
        {
          class: "mark-form",
          onsubmit: (event) => {
            event.preventDefault();
            list.actions.confirmMarkExported(id, reference.value.trim());
          },
        },
        h(
          "p",
          { class: "help" },
          "Entered in the ERP by hand? paysync stops trying to export this record.",
        ),
        h("label", { for: reference.id }, "ERP reference (optional)"),
        reference,
        h("button", { type: "submit", class: "secondary", disabled: busy }, "Mark as exported"),
      ),
    ),
  ];
}
