// Calls paysync's JSON API as the signed-in user; a refusal carries the problem's detail.
import { APP_ROOT } from "./nav.js";

const API_ROOT = new URL("../v1/companies/", APP_ROOT);

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

/** GET `path` as a stream of bytes (the token in a header, never in the URL). */
async function streamOf(session, path, signal) {
  const url = new URL(`${encodeURIComponent(session.company)}${path}`, API_ROOT);
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${session.token}` },
    cache: "no-store",
    credentials: "omit",
    signal,
  });
  if (!response.ok) {
    const text = await response.text();
    let problem = { detail: text.slice(0, 300) };
    try {
      problem = JSON.parse(text);
    } catch {
      // not problem+json: the text says it
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

/**
 * Download what `path` streams (e.g. the history as JSON lines) into a file named `filename`,
 * reporting the lines read so far. Resolves to the number of lines.
 */
export async function download(session, path, filename, progress) {
  const response = await streamOf(session, path);
  const reader = response.body.getReader();
  const chunks = [];
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    for (const byte of value) if (byte === 10) lines += 1;
    progress?.(lines);
  }
  saveFile(new Blob(chunks, { type: response.headers.get("Content-Type") ?? "" }), filename);
  return lines;
}

/** Each JSON line `path` streams, given to `take` as it arrives. */
export async function eachJsonLine(session, path, take, signal) {
  const response = await streamOf(session, path, signal);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (line) take(JSON.parse(line));
    }
  }
  if (buffer.trim()) take(JSON.parse(buffer));
}

/** Offer `blob` as a download named `filename`. */
export function saveFile(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
