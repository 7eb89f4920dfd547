// The bearer token: taken from the URL fragment once, kept for this tab in sessionStorage.
// The fragment never reaches the server, and is wiped from the address bar and history.

const KEY = "paysync.token";
const EDITING_ROLES = new Set(["payments_admin", "accounting_approver"]);

/** Move a `#token=...` fragment into sessionStorage; `&next=/path` picks the page to show. */
export function takeTokenFromUrl() {
  const fragment = location.hash.slice(1);
  if (!/^token=|&token=/.test(fragment)) return;
  const params = new URLSearchParams(fragment);
  const token = (params.get("token") ?? "").trim();
  if (token) sessionStorage.setItem(KEY, token);
  // Without `next`, the page stays the one the link's path names (/app/funding-accounts/ID).
  const next = params.get("next");
  const here = `${location.pathname}${location.search}`;
  history.replaceState(null, "", next ? `${here}#${next}` : here);
}

export function storeToken(token) {
  sessionStorage.setItem(KEY, token.trim());
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/**
 * The signed-in user from the stored token's claims, or `{problem}` saying why there is none.
 * The claims are only read here, not verified: the API checks every call.
 */
export function currentSession() {
  const token = sessionStorage.getItem(KEY);
  if (!token) return { problem: null };
  const claims = readClaims(token);
  if (!claims || typeof claims.company !== "string" || !claims.company) {
    return { problem: "That is not a paysync token: it names no company." };
  }
  if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) {
    return { problem: "The token has expired. Paste a new one." };
  }
  return {
    token,
    company: claims.company,
    role: String(claims.role ?? ""),
    subject: String(claims.sub ?? ""),
    canEdit: EDITING_ROLES.has(claims.role),
  };
}

function readClaims(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replaceAll("-", "+").replaceAll("_", "/");
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
