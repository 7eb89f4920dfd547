// Addresses of the pages: /app/funding-accounts/ID and the like, bookmarkable and shareable.
// The token never appears in them; it lives in this tab's sessionStorage (see session.js).

const ROOT = new URL(
  document.querySelector('meta[name="app-root"]')?.content ?? "/app/",
  location.origin,
);

/** The app's root URL (for the API's address beside it). */
export const APP_ROOT = ROOT;

/** The address of a page, e.g. pageHref("/disbursements/ID") -> "/app/disbursements/ID". */
export function pageHref(path, query) {
  const url = new URL(path.replace(/^\//, ""), ROOT);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  return `${url.pathname}${url.search}`;
}

/** The page the address names: {path: "/disbursements/ID", query: URLSearchParams}. */
export function currentPage() {
  // Links from before the pages had paths (#/payment-records?filter=...) still work.
  if (location.hash.startsWith("#/")) {
    const [path, query = ""] = location.hash.slice(1).split("?");
    history.replaceState(null, "", pageHref(path) + (query ? `?${query}` : ""));
  }
  const path = location.pathname.startsWith(ROOT.pathname)
    ? `/${location.pathname.slice(ROOT.pathname.length)}`
    : "/";
  return { path, query: new URLSearchParams(location.search) };
}

/** Show another page without reloading; `replace` for a filter change not worth a Back step. */
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  window.dispatchEvent(new Event("paysync:navigate"));
}

/** A link to another page of the app, followed without a reload. */
export function isAppLink(anchor) {
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return false;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(ROOT.pathname)) return false;
  return !url.pathname.startsWith(`${ROOT.pathname}static/`) && !url.hash;
}

// What each role may do; the API refuses the rest anyway, the pages do not offer it.
const CAN = {
  payments_admin: new Set([
    "draft_disbursement",
    "authorize",
    "cancel",
    "open_account",
    "edit_account",
    "approve_invoice",
    "sync_invoice",
    "fix_record",
  ]),
  accounting_approver: new Set([
    "edit_account",
    "approve_invoice",
    "sync_invoice",
    "fix_record",
  ]),
  auditor: new Set(),
  service: new Set(),
};

/** Whether the signed-in role may do `action` (the API decides; this only hides controls). */
export function can(session, action) {
  return CAN[session.role]?.has(action) ?? false;
}
