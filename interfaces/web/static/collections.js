// The company's funding accounts and invoices, from the API's collections (GET .../funding-
// accounts, GET .../invoices). Where a server does not list them yet (405), its history
// stands in: the accounts and invoices it created, read from the history export (so only
// against a server without the collections).

import { ApiError, call, eachJsonLine, seg } from "./api.js";
import { listAll } from "./ui.js";

const NOT_LISTED = new Set([404, 405]);

export async function fundingAccounts(session, signal) {
  try {
    return (await listAll(session, "/funding-accounts", { signal })).items;
  } catch (error) {
    if (!(error instanceof ApiError && NOT_LISTED.has(error.status))) throw error;
  }
  const ids = await idsFromHistory(session, "FundingAccount", signal);
  return Promise.all(ids.map((id) => call(session, "GET", `/funding-accounts/${seg(id)}`, { signal })));
}

/** The ids of every record of `type` the company's history created, oldest first. */
async function idsFromHistory(session, type, signal) {
  const ids = [];
  await eachJsonLine(session, "/audit/export", (line) => {
    if (line.aggregate_type === type && line.version === 1) ids.push(line.aggregate_id);
  }, signal);
  return ids;
}

/** Invoices, by `query` where the server lists them; `listed` is false for the stand-in. */
export async function invoices(session, signal, query = {}) {
  try {
    return { items: (await listAll(session, "/invoices", { query, signal })).items, listed: true };
  } catch (error) {
    if (!(error instanceof ApiError && NOT_LISTED.has(error.status))) throw error;
  }
  const ids = await idsFromHistory(session, "Invoice", signal);
  const found = await Promise.all(
    ids.map((id) => call(session, "GET", `/invoices/${seg(id)}`, { signal })),
  );
  return { items: found, listed: false };
}

/** One page of invoices (`next_cursor` for the next); the stand-in lists them all at once. */
export async function invoicePage(session, signal, query = {}, cursor = null, limit = 100) {
  try {
    const page = await call(session, "GET", "/invoices", { query: { ...query, cursor, limit }, signal });
    return { ...page, listed: true };
  } catch (error) {
    if (!(error instanceof ApiError && NOT_LISTED.has(error.status))) throw error;
  }
  const { items } = await invoices(session, signal, query);
  return { items, next_cursor: null, listed: false };
}
