// The pages' entry point: signs the user in from the token, and shows the page the path names.
//   /app/payment-records?filter=failed_to_export   the ERP Integrations tool (the default page)
//   /app/funding-accounts[/ID]                     funding accounts and their check registers
//   /app/invoices                                  invoices, their payment and ERP sync status
//   /app/disbursements[?status=...], /new, /ID     disbursements; a draft; one disbursement
//   /app/disbursements/ID/history                  its audit history
//   /app/reports                                   payments, disbursements, export latency
//   /app/audit[/records/ID]                        verify the history; a record's timeline

import { showAudit, showAuditRecord } from "./audit.js";
import { showDisbursement, showHistory } from "./disbursement.js";
import { showDisbursements, showDraft } from "./disbursements.js";
import { h, replaceChildren } from "./dom.js";
import { showFundingAccount, showFundingAccounts } from "./funding_accounts.js";
import { showInvoices } from "./invoices.js";
import { currentPage, isAppLink, pageHref } from "./nav.js";
import { showPaymentRecords } from "./records.js";
import { showReports } from "./reports.js";
import { currentSession, signOut, storeToken, takeTokenFromUrl } from "./session.js";
import { ExportStatus } from "./vocabulary.js";

const main = document.getElementById("main");
let shown = { controller: null, path: null };

// Each page: its nav section, and how it is shown from the path's parts and the query.
const PAGES = [
  [/^\/(payment-records\/?)?$/, "payment-records", (view, session, _m, query) =>
    showPaymentRecords(view, session, query.get("filter") ?? ExportStatus.FAILED_TO_EXPORT)],
  [/^\/funding-accounts\/?$/, "funding-accounts", (v, s) => showFundingAccounts(v, s)],
  [/^\/funding-accounts\/([^/]+)$/, "funding-accounts", (v, s, m) =>
    showFundingAccount(v, s, decodeURIComponent(m[1]))],
  [/^\/invoices\/?$/, "invoices", (v, s, _m, q) => showInvoices(v, s, q)],
  [/^\/disbursements\/?$/, "disbursements", (v, s, _m, q) => showDisbursements(v, s, q)],
  [/^\/disbursements\/new$/, "disbursements", (v, s, _m, q) => showDraft(v, s, q)],
  [/^\/disbursements\/([^/]+)$/, "disbursements", (v, s, m) =>
    showDisbursement(v, s, decodeURIComponent(m[1]))],
  [/^\/disbursements\/([^/]+)\/history$/, "disbursements", (v, s, m) =>
    showHistory(v, s, decodeURIComponent(m[1]))],
  [/^\/reports\/?$/, "reports", (v, s, _m, q) => showReports(v, s, q)],
  [/^\/audit\/?$/, "audit", (v, s, _m, q) => showAudit(v, s, q)],
  [/^\/audit\/records\/([^/]+)$/, "audit", (v, s, m, q) =>
    showAuditRecord(v, s, decodeURIComponent(m[1]), q)],
];

function route() {
  // A link with a token may arrive on a page already open: the fragment changes, no reload.
  takeTokenFromUrl();
  shown.controller?.abort();
  const controller = new AbortController();
  const session = currentSession();
  showWho(session);
  const { path, query } = currentPage();
  const samePath = path === shown.path;
  shown = { controller, path };
  const view = {
    main,
    signal: controller.signal,
    unauthorized: (detail) => {
      signOut();
      shown.path = null;
      showWho({});
      showSignIn(`The API refused the token: ${detail}`);
    },
  };
  if (!session.token) {
    showSignIn(session.problem);
    return;
  }
  for (const [pattern, section, show] of PAGES) {
    const match = path.match(pattern);
    if (!match) continue;
    markNav(section);
    show(view, session, match, query);
    // A filter tab keeps the focus; a new page moves it to its heading.
    const focus = samePath ? main.querySelector("[aria-current=page]") : null;
    (focus ?? main.querySelector("h1"))?.focus({ preventScroll: samePath });
    return;
  }
  markNav(null);
  document.title = "Not found · paysync";
  replaceChildren(
    main,
    h("h1", { tabindex: -1 }, "Page not found"),
    h("p", {}, h("a", { href: pageHref("/payment-records") }, "Go to ERP Integrations")),
  );
  main.querySelector("h1").focus();
}

function showSignIn(problem) {
  document.title = "Sign in · paysync";
  markNav(null);
  const input = h("textarea", {
    id: "token-input",
    name: "token",
    rows: 4,
    required: true,
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": problem ? "token-help token-problem" : "token-help",
  });
  const form = h(
    "form",
    {
      class: "sign-in",
      onsubmit: (event) => {
        event.preventDefault();
        if (!input.value.trim()) return;
        storeToken(input.value);
        shown.path = null;
        route();
      },
    },
    h("h1", { tabindex: -1 }, "Sign in"),
    problem ? h("p", { class: "problem", id: "token-problem", role: "alert" }, problem) : null,
    h("label", { for: "token-input" }, "Bearer token"),
    h(
      "p",
      { class: "help", id: "token-help" },
      "Paste the token you were given (for example by ",
      h("code", {}, "paysync token"),
      "). It is kept in this tab only and forgotten when the tab closes.",
    ),
    input,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Sign in")),
  );
  replaceChildren(main, form);
  input.focus();
}

function showWho(session) {
  const who = document.getElementById("who");
  who.hidden = !session.token;
  document.getElementById("main-nav").hidden = !session.token;
  if (session.token) {
    const role = session.role.replaceAll("_", " ");
    replaceChildren(
      document.getElementById("who-text"),
      h("span", { class: "who-name" }, session.subject || "signed in"),
      ` · ${role} · `,
      h("span", { class: "who-company" }, session.company),
    );
  }
}

function markNav(section) {
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  shown.path = null;
  route();
});
// Links between the app's pages are followed without a reload (the token stays in the tab).
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.target.closest?.("a[href]");
  if (!isAppLink(anchor)) return;
  event.preventDefault();
  if (anchor.href !== location.href) history.pushState(null, "", anchor.href);
  route();
});
window.addEventListener("popstate", route);
// Only an old-style page link or a token changes the page; "#main" (skip link) does not.
window.addEventListener("hashchange", () => {
  if (/^#\/|token=/.test(location.hash)) route();
});
window.addEventListener("paysync:navigate", route);
route();
