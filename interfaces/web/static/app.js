// The pages' entry point: signs the user in from the token, and shows the page the URL names.
//   #/payment-records?filter=failed_to_export   the ERP Integrations tool (the default page)
//   #/disbursements/ID                           one disbursement and its payments
//   #/disbursements/ID/history                   its audit history (where the API has one)

import { h, replaceChildren } from "./dom.js";
import { showDisbursement, showHistory } from "./disbursement.js";
import { showPaymentRecords } from "./records.js";
import { currentSession, signOut, storeToken, takeTokenFromUrl } from "./session.js";

const main = document.getElementById("main");
let shown = { controller: null, path: null };

function route() {
  // A link with a token may arrive on a page already open: the fragment changes, no reload.
  takeTokenFromUrl();
  shown.controller?.abort();
  const controller = new AbortController();
  const session = currentSession();
  showWho(session);
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
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
  const parts = path.split("/").filter(Boolean);
  markNav(parts[0] ?? "payment-records");
  if (parts.length === 0 || parts[0] === "payment-records") {
    const filter = new URLSearchParams(query).get("filter") ?? "failed_to_export";
    showPaymentRecords(view, session, filter);
    // A filter tab keeps the focus; a new page moves it to its heading.
    const focus = samePath ? main.querySelector("[aria-current=page]") : null;
    (focus ?? main.querySelector("h1"))?.focus({ preventScroll: samePath });
  } else if (parts[0] === "disbursements" && parts[1] && parts.length <= 3) {
    if (parts[2] === "history") showHistory(view, session, parts[1]);
    else showDisbursement(view, session, parts[1]);
    main.querySelector("h1")?.focus();
  } else {
    document.title = "Not found · paysync";
    replaceChildren(
      main,
      h("h1", { tabindex: -1 }, "Page not found"),
      h("p", {}, h("a", { href: "#/payment-records" }, "Go to ERP Integrations")),
    );
  }
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
window.addEventListener("hashchange", route);
route();
