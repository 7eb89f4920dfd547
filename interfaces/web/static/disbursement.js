// One disbursement: its drawdown status and its invoice payments; and its audit history.

import { call, seg } from "./api.js";
import { disbursementActions } from "./disbursement_actions.js";
import { exactTime, h, replaceChildren, timeOf } from "./dom.js";
import { HistoryReader, actorWords } from "./history_words.js";
import { untilAbort } from "./timing.js";
import { fact, load, loadingBody } from "./ui.js";
import { connectorName, exportStatusWords, failureWords, humanize, money } from "./words.js";
import { ExportStatus } from "./vocabulary.js";

export function showDisbursement(view, session, id) {
  document.title = "Disbursement · paysync";
  const body = loadingBody("Loading the disbursement…");
  const heading = h("h1", { tabindex: -1 }, "Disbursement");
  replaceChildren(view.main, backLink(), heading, body);
  load(view, body, async () => {
    const disbursement = await call(session, "GET", `/disbursements/${seg(id)}`, {
      signal: view.signal,
    });
    // Drawn without waiting for the account: its name replaces its id when it arrives.
    const account = h("span", {}, disbursement.funding_account_id);
    call(session, "GET", `/funding-accounts/${seg(disbursement.funding_account_id)}`, {
      signal: view.signal,
    }).then(
      (found) => replaceChildren(account, `${found.nickname} (Bank ID ${found.bank_id})`),
      () => null, // aborted, or not readable: the account's id stands in for its name
    );
    document.title = `${disbursement.name} · Disbursement · paysync`;
    replaceChildren(heading, `Disbursement: ${disbursement.name}`);
    replaceChildren(
      body,
      h(
        "dl",
        { class: "facts" },
        fact(
          "Status",
          h("span", { class: `badge badge-${disbursement.status}` }, humanize(disbursement.status)),
        ),
        fact("Funding account", account),
        fact("Drafted by", disbursement.drafted_by),
        fact("Authorized by", disbursement.authorized_by ?? "—"),
        fact("Funded", timeOf(disbursement.funded_at)),
        disbursement.cancel_reason ? fact("Cancel reason", disbursement.cancel_reason) : null,
        disbursement.funding_failure_reason
          ? fact("Funding failure", disbursement.funding_failure_reason)
          : null,
        fact("Version", `${disbursement.version}, changed `, timeOf(disbursement.modified_at)),
      ),
      h(
        "p",
        {},
        h(
          "a",
          { href: `#/disbursements/${seg(id)}/history` },
          "History: every change, who made it and when",
        ),
      ),
      disbursementActions(view, session, disbursement),
      h("h2", {}, "Invoice payments"),
      paymentsTable(disbursement.payments, session.canEdit),
    );
  });
}

function paymentsTable(payments, canEdit) {
  const headers = [
    "Invoice",
    "Vendor",
    "Amount",
    "Check Number",
    "Bank ID",
    "Payout",
    "Export status",
    "ERP reference",
  ];
  return h(
    "table",
    { class: "records-table" },
    h("caption", { class: "visually-hidden" }, "Invoice payments of this disbursement"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((text) =>
          h("th", { scope: "col", class: text === "Amount" ? "num" : undefined }, text),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      payments.map((p) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, p.invoice_number),
          h("td", {}, p.vendor_name),
          h("td", { class: "num" }, money(p.amount)),
          h("td", { class: "mono" }, p.check_number ?? "—"),
          h("td", { class: "mono" }, p.bank_id ?? "—"),
          h("td", {}, humanize(p.payout_status)),
          h(
            "td",
            { class: "status-cell" },
            h(
              "span",
              { class: `badge badge-${p.export_status}` },
              exportStatusWords(p.export_status),
            ),
            p.export_failure
              ? h("p", { class: "reason" }, failureWords(p.export_failure.reason))
              : null,
            p.export_failure?.message
              ? h(
                  "p",
                  { class: p.export_failure.erp_code ? "erp-says" : "paysync-says" },
                  p.export_failure.erp_code ? `ERP error ${p.export_failure.erp_code}: ` : "",
                  p.export_failure.message,
                )
              : null,
            p.marked_by_hand ? h("p", { class: "by-hand" }, "Marked as exported by hand") : null,
            canEdit && p.export_status === ExportStatus.FAILED_TO_EXPORT
              ? h(
                  "p",
                  {},
                  h(
                    "a",
                    { href: "#/payment-records?filter=failed_to_export" },
                    "Fix it in Failed to Export",
                  ),
                )
              : null,
          ),
          h(
            "td",
            { class: "mono", title: p.export_warning ?? "" },
            p.erp_payment_ref
              ? `${p.erp_connector ? `${p.erp_connector}: ` : ""}${p.erp_payment_ref}`
              : "—",
          ),
        ),
      ),
    ),
  );
}

export function showHistory(view, session, id) {
  document.title = "History · paysync";
  const body = loadingBody("Loading the history…");
  replaceChildren(
    view.main,
    h(
      "p",
      { class: "back" },
      h("a", { href: `#/disbursements/${seg(id)}` }, "← Back to the disbursement"),
    ),
    h("h1", { tabindex: -1 }, "Disbursement history"),
    h(
      "p",
      { class: "lede" },
      "Every change to this disbursement and its payment records, oldest first.",
    ),
    body,
  );
  load(view, body, async () => {
    const [history, disbursement, settings] = await Promise.all([
      call(session, "GET", "/audit/events", { query: { aggregate_id: id }, signal: view.signal }),
      call(session, "GET", `/disbursements/${seg(id)}`, { signal: view.signal }),
      call(session, "GET", "/erp-settings", { signal: view.signal }).catch((error) => {
        if (untilAbort(error)) throw error;
        return null; // "the ERP" stands in for the connector's name
      }),
    ]);
    const account = await call(
      session,
      "GET",
      `/funding-accounts/${seg(disbursement.funding_account_id)}`,
      { signal: view.signal },
    ).catch((error) => {
      if (untilAbort(error)) throw error;
      return null;
    });
    const reader = new HistoryReader({
      connector: settings ? connectorName(settings.connector) : "The ERP",
      accountName: () => (account ? account.nickname : "its funding account"),
      when: (iso) => exactTime(iso),
    });
    const events = history.events ?? [];
    replaceChildren(
      body,
      events.length
        ? h(
            "table",
            { class: "records-table history" },
            h("caption", { class: "visually-hidden" }, "Events, oldest first"),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["When", "What happened", "Who", "Version"].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              events.map((event) =>
                h(
                  "tr",
                  {},
                  h("td", {}, timeOf(event.timestamp, { seconds: true })),
                  h("th", { scope: "row", class: "sentence" }, reader.sentence(event)),
                  h("td", {}, actorWords(event.actor)),
                  h("td", { class: "num" }, event.version),
                ),
              ),
            ),
          )
        : h("p", { class: "empty" }, "No events recorded."),
    );
  });
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/payment-records" }, "← ERP Integrations"));
}
