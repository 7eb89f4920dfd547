// One disbursement: its drawdown status and its invoice payments; and its audit history.

import { ApiError, call, seg } from "./api.js";
import { disbursementActions } from "./disbursement_actions.js";
import { h, replaceChildren, timeOf } from "./dom.js";
import { untilAbort } from "./timing.js";
import { exportStatusWords, failureWords, humanize, money } from "./words.js";

export function showDisbursement(view, session, id) {
  document.title = "Disbursement · paysync";
  const body = h(
    "div",
    { "aria-busy": "true" },
    h("p", { class: "loading" }, "Loading the disbursement…"),
  );
  const heading = h("h1", { tabindex: -1 }, "Disbursement");
  replaceChildren(view.main, backLink(), heading, body);
  load(view, body, async () => {
    const disbursement = await call(session, "GET", `/disbursements/${seg(id)}`, {
      signal: view.signal,
    });
    const account = await call(
      session,
      "GET",
      `/funding-accounts/${seg(disbursement.funding_account_id)}`,
      {
        signal: view.signal,
      },
    ).catch((error) => {
      if (untilAbort(error)) throw error;
      return null; // the account's id stands in for its name
    });
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
        fact(
          "Funding account",
          account
            ? `${account.nickname} (Bank ID ${account.bank_id})`
            : disbursement.funding_account_id,
        ),
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
                  { class: "erp-says" },
                  p.export_failure.erp_code ? `Error ${p.export_failure.erp_code}: ` : "",
                  p.export_failure.message,
                )
              : null,
            canEdit && p.export_status === "failed_to_export"
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
          h("td", { class: "mono" }, p.erp_payment_ref ?? "—"),
        ),
      ),
    ),
  );
}

export function showHistory(view, session, id) {
  document.title = "History · paysync";
  const body = h(
    "div",
    { "aria-busy": "true" },
    h("p", { class: "loading" }, "Loading the history…"),
  );
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
    const history = await call(session, "GET", "/audit/events", {
      query: { aggregate_id: id },
      signal: view.signal,
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
                ["Version", "When", "What", "Who", "Details"].map((t) =>
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
                  h("td", { class: "num" }, event.version),
                  h("td", {}, timeOf(event.timestamp)),
                  h("th", { scope: "row" }, eventName(event.type)),
                  h("td", {}, event.actor ?? "—"),
                  h("td", {}, details(event.data)),
                ),
              ),
            ),
          )
        : h("p", { class: "empty" }, "No events recorded."),
    );
  });
}

async function load(view, body, work) {
  try {
    await work();
  } catch (error) {
    if (untilAbort(error)) return;
    if (error instanceof ApiError && error.status === 401) {
      view.unauthorized(error.message);
      return;
    }
    replaceChildren(body, h("p", { class: "problem", role: "alert" }, error.message));
  } finally {
    body.removeAttribute("aria-busy");
  }
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/payment-records" }, "← ERP Integrations"));
}

function fact(term, ...description) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, description));
}

/** "Disbursement.CheckNumberEdited" -> "Check number edited". */
function eventName(type) {
  const name = String(type).split(/[.:]/).pop();
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SAID_ELSEWHERE = new Set(["originator_id", "originator_version", "timestamp", "actor"]);

/** An event's data as nested term/value lists: lists of records one under the other. */
function details(data) {
  const entries = Object.entries(data ?? {}).filter(([name]) => !SAID_ELSEWHERE.has(name));
  if (!entries.length) return h("span", { class: "muted" }, "—");
  return valueOf(Object.fromEntries(entries));
}

function valueOf(value) {
  if (Array.isArray(value)) {
    if (!value.length) return h("span", { class: "muted" }, "none");
    if (value.every((item) => item === null || typeof item !== "object")) return value.join(", ");
    return h(
      "ul",
      { class: "event-list" },
      value.map((item) => h("li", {}, valueOf(item))),
    );
  }
  if (value !== null && typeof value === "object") {
    return h(
      "dl",
      { class: "event-data" },
      Object.entries(value).map(([name, inner]) =>
        h("div", {}, h("dt", {}, humanize(name)), h("dd", {}, valueOf(inner))),
      ),
    );
  }
  return value === null ? h("span", { class: "muted" }, "—") : String(value);
}
