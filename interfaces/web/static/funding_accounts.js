// Funding accounts: the bank accounts payments are drawn from, their check numbers and check
// register. The support article sends the user here to raise Next Check Number.

import { ApiError, call, seg } from "./api.js";
import { fundingAccounts } from "./collections.js";
import { h, replaceChildren, timeOf } from "./dom.js";
import { ErpCheckNumbers } from "./erp_check_numbers.js";
import { can, navigate, pageHref } from "./nav.js";
import { actionForm, badge, busyButton, fact, field, load, loadingBody, pageHead, table } from "./ui.js";
import { exportStatusWords, money } from "./words.js";
import { AccountStatus, CheckSource } from "./vocabulary.js";

export function showFundingAccounts(view, session) {
  document.title = "Funding accounts · paysync";
  const body = loadingBody("Loading funding accounts…");
  replaceChildren(
    view.main,
    pageHead(
      "Funding accounts",
      "The bank accounts payments are drawn from, with the check numbers each gives out.",
    ),
    body,
  );
  load(view, body, async () => {
    const accounts = await fundingAccounts(session, view.signal);
    replaceChildren(
      body,
      can(session, "open_account") ? openAccountForm(session) : null,
      table(
        "Funding accounts",
        [
          ["Account", (a) => h("a", { href: pageHref(`/funding-accounts/${seg(a.id)}`) }, a.nickname), { rowHeader: true }],
          ["Bank ID", (a) => a.bank_id, { mono: true }],
          ["Next Check Number", (a) => a.next_check_number, { num: true }],
          ["Highest issued", (a) => a.highest_issued_check_number ?? "—", { num: true }],
          ["Status", (a) => (a.deactivated ? badge(AccountStatus.DEACTIVATED, "Deactivated") : badge(AccountStatus.ACTIVE, "Active"))],
        ],
        accounts,
        { empty: "No funding account yet." },
      ),
    );
  });
}

export function showFundingAccount(view, session, id) {
  document.title = "Funding account · paysync";
  const heading = pageHead("Funding account", null);
  const body = loadingBody("Loading the funding account…");
  replaceChildren(
    view.main,
    h("p", { class: "back" }, h("a", { href: pageHref("/funding-accounts") }, "← Funding accounts")),
    heading,
    body,
  );
  const draw = async () => {
    const path = `/funding-accounts/${seg(id)}`;
    const [account, register] = await Promise.all([
      call(session, "GET", path, { signal: view.signal }),
      call(session, "GET", `${path}/check-register`, { query: { limit: 100 }, signal: view.signal }),
    ]);
    document.title = `${account.nickname} · Funding account · paysync`;
    replaceChildren(heading.querySelector("h1"), `Funding account: ${account.nickname}`);
    const erp = new ErpCheckNumbers(session, path, view.signal);
    replaceChildren(
      body,
      h(
        "dl",
        { class: "facts" },
        fact("Bank ID", h("span", { class: "mono" }, account.bank_id)),
        fact("Next Check Number", h("span", { class: "mono", id: "next-check-number" }, account.next_check_number)),
        fact("Highest issued", account.highest_issued_check_number ?? "none yet"),
        erp.facts(),
        fact("Status", account.deactivated ? "Deactivated" : "Active"),
      ),
      erp.note,
      can(session, "edit_account") && !account.deactivated
        ? nextCheckNumberForm(session, account, erp)
        : null,
      registerSection(register, session, path),
    );
    // The page is drawn first: the ERP's answer may take a while, and fills in where it says.
    erp.ask();
  };
  load(view, body, draw);
}

function nextCheckNumberForm(session, account, erp) {
  const input = h("input", {
    type: "text",
    inputmode: "numeric",
    name: "next_check_number",
    class: "field",
    required: true,
    autocomplete: "off",
    value: String(account.next_check_number),
    "data-invalid-on-refusal": true,
  });
  const issued = account.highest_issued_check_number;
  return h(
    "section",
    { class: "panel", "aria-labelledby": "edit-next-heading" },
    h("h2", { id: "edit-next-heading" }, "Change Next Check Number"),
    actionForm(
      { class: "edit-form" },
      [
        h(
          "div",
          { class: "field-with-guidance" },
          field(
            "next-check-number-input",
            "Next Check Number",
            input,
            issued === null
              ? "No check has been issued from this account yet."
              : `It must be higher than ${issued}, the highest check number this account has issued.`,
          ),
          h(
            "aside",
            { class: "guidance", "aria-label": "How to choose it" },
            h("h3", {}, "How to choose it"),
            h(
              "p",
              {},
              "To avoid export errors from check numbers already in use in your ERP, set Next ",
              "Check Number high enough that it cannot meet the ERP's numbers.",
            ),
            h(
              "p",
              {},
              "For example, if the most recent check number in your ERP is 100, start at 10000: ",
              "the next 9,900 checks cannot collide.",
            ),
            erp.offerFor(input),
          ),
        ),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save Next Check Number")),
      ],
      async (data) => {
        const typed = String(data.get("next_check_number") ?? "").trim();
        if (!/^\d+$/.test(typed)) {
          throw new ApiError(422, {
            detail: "Next Check Number must be a whole number, such as 10000.",
          });
        }
        const saved = await call(session, "PATCH", `/funding-accounts/${seg(account.id)}`, {
          body: { next_check_number: Number(typed) },
        });
        // The facts above change in place; the message stays where the user is looking.
        document.getElementById("next-check-number").textContent = saved.next_check_number;
        erp.ask();
        return `Saved. The next check from ${account.nickname} will be number ${typed}.`;
      },
      (error) =>
        /check-number-would-repeat/.test(error.problem?.type ?? "")
          ? " A number at or below one this account already issued would give two payments the same check number, and the ERP would refuse the second."
          : null,
    ),
  );
}

function registerSection(register, session, path) {
  const gaps = register.gaps.map((g) => (g.first === g.last ? `${g.first}` : `${g.first}–${g.last}`));
  return h(
    "section",
    { "aria-labelledby": "register-heading" },
    h("h2", { id: "register-heading" }, "Check register"),
    h(
      "p",
      {},
      `${register.next_cursor ? "More than " : ""}${register.items.length} check number${register.items.length === 1 ? "" : "s"} issued or typed. `,
      gaps.length ? `Never used: ${gaps.join(", ")}. ` : "No gaps. ",
      register.duplicates.length
        ? h("strong", { class: "warn" }, `Used twice: ${register.duplicates.join(", ")}.`)
        : "No number is used twice.",
    ),
    registerTable(register.items),
    register.next_cursor ? moreChecks(session, path, register) : null,
  );
}

function registerTable(items) {
  return table(
      "Check register",
      [
        ["Check Number", (c) => c.check_number, { rowHeader: true }],
        ["Source", (c) => (c.source === CheckSource.TYPED ? "Typed on a failed record" : "Issued")],
        ["Invoice", (c) => c.invoice_number],
        ["Vendor", (c) => c.vendor_name],
        ["Amount", (c) => money(c.amount), { num: true }],
        [
          "Export status",
          (c) => [
            badge(c.export_status, exportStatusWords(c.export_status)),
            c.replaced_by ? h("span", { class: "muted" }, ` replaced by ${c.replaced_by}`) : null,
            c.duplicate ? h("span", { class: "badge badge-failed_to_export" }, "Duplicate") : null,
          ],
        ],
        ["Disbursement", (c) => h("a", { href: pageHref(`/disbursements/${seg(c.disbursement_id)}`), "aria-label": `Open disbursement of check ${c.check_number}` }, "Open")],
        ["Issued", (c) => timeOf(c.issued_at)],
      ],
      items,
      { empty: "No check has been issued from this account yet.", rowClass: (c) => (c.duplicate ? "is-failed" : undefined) },
    );
}

function openAccountForm(session) {
  const input = (name, extra) => h("input", { type: "text", name, class: "field", required: true, autocomplete: "off", ...extra });
  return h(
    "details",
    { class: "panel open-account" },
    h("summary", {}, "Open a funding account…"),
    actionForm(
      { class: "edit-form" },
      [
        field("account-nickname", "Nickname", input("nickname"), "How people will recognise it, for example “Operating”."),
        field("account-bank-id", "Bank ID", input("bank_id", { spellcheck: "false" }), "The bank account's ID exactly as it is in the ERP."),
        field(
          "account-next-check",
          "Next Check Number",
          input("next_check_number", { inputmode: "numeric", value: "10000" }),
          "Start well above the ERP's latest check number: if the ERP's latest is 100, start at 10000.",
        ),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Open funding account")),
      ],
      async (data) => {
        const next = String(data.get("next_check_number") ?? "").trim();
        if (!/^\d+$/.test(next)) throw new ApiError(422, { detail: "Next Check Number must be a whole number, such as 10000." });
        const opened = await call(session, "POST", "/funding-accounts", {
          body: { nickname: String(data.get("nickname") ?? "").trim(), bank_id: String(data.get("bank_id") ?? "").trim(), next_check_number: Number(next) },
        });
        navigate(pageHref(`/funding-accounts/${seg(opened.id)}`));
        return null;
      },
    ),
  );
}

/** The register's next numbers, added under the ones shown. */
function moreChecks(session, path, register) {
  let cursor = register.next_cursor;
  const note = h("p", { class: "help", "aria-live": "polite" }, `The lowest ${register.items.length} numbers are shown.`);
  const button = busyButton("Load more check numbers", async () => {
    const page = await call(session, "GET", `${path}/check-register`, { query: { limit: 500, cursor } });
    const tbody = document.querySelector("#register-heading ~ table tbody");
    const more = registerTable(page.items).querySelector("tbody");
    if (tbody && more) tbody.append(...more.children);
    register.items.push(...page.items);
    cursor = page.next_cursor;
    note.textContent = `The lowest ${register.items.length} numbers are shown.`;
    button.hidden = !cursor;
  });
  return h("div", { class: "more" }, note, button);
}
