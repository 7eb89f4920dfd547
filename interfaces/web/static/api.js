// Calls paysync's JSON API as the signed-in user; a refusal carries the problem's detail.

const API_ROOT = new URL("../v1/companies/", document.baseURI);

/** An answer other than 2xx: `detail` is the problem+json text meant for the user. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

/** `path` is under the company, e.g. "/disbursements/ID"; `query` an object of parameters. */
export async function call(session, method, path, { body, query, signal } = {}) {
  const url = new URL(`${encodeURIComponent(session.company)}${path}`, API_ROOT);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json", Authorization: `Bearer ${session.token}` };
  const init = { method, headers, signal, cache: "no-store", credentials: "omit" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, {
      title: "Network error",
      detail: "paysync could not be reached. Check the connection and try again.",
    });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const problem = data && typeof data === "object" ? data : { detail: text.slice(0, 300) };
    throw new ApiError(response.status, problem);
  }
  return data;
}

/** The segment of a path for an id, safely encoded. */
export function seg(id) {
  return encodeURIComponent(String(id));
}
