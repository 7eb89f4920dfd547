// The pieces every page is built from: a heading, facts, tables, forms that announce refusals,
// and loading that says what went wrong in words.

import { ApiError, call } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { navigate, pageHref } from "./nav.js";
import { untilAbort } from "./timing.js";
import { humanize } from "./words.js";

/** A page's heading (focused when the page opens) and a line saying what the page is for. */
export function pageHead(title, lede, ...extra) {
  return h(
    "div",
    { class: "page-head" },
    h("h1", { tabindex: -1 }, title),
    lede ? h("p", { class: "lede" }, lede) : null,
    extra,
  );
}

/** What stands in a page's body (or a part of it) until `load` fills it: `text` says what. */
export function loadingBody(text) {
  return h("div", {}, h("p", { class: "loading" }, text));
}

/** Run `work` for the page, showing a refusal in words (and signing out on 401). */
export async function load(view, body, work) {
  body.setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (error) {
    if (untilAbort(error)) return;
    if (error instanceof ApiError && error.status === 401) {
      view.unauthorized(error.message);
      return;
    }
    replaceChildren(body, problem(error));
  } finally {
    body.removeAttribute("aria-busy");
  }
}

/** A refusal or failure, announced to screen readers. */
export function problem(error, prefix = "") {
  const text = error instanceof ApiError ? sentence(error.message) : "Something went wrong on this page.";
  if (!(error instanceof ApiError)) console.warn(error); // eslint-disable-line no-console
  return h("p", { class: "problem", role: "alert" }, prefix, text);
}

export function fact(term, ...description) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, description));
}

/**
 * A table: `columns` are [header, cell(item) -> content, {num, rowHeader}] triples.
 * The first column with rowHeader is a <th scope=row>, so a row reads by its name.
 */
export function table(caption, columns, items, { rowClass, empty = "Nothing to show." } = {}) {
  if (items.length === 0) return h("p", { class: "empty" }, empty);
  return h(
    "table",
    { class: "records-table" },
    h("caption", { class: "visually-hidden" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map(([header, , options]) =>
          h("th", { scope: "col", class: options?.num ? "num" : undefined }, header),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      items.map((item) =>
        h(
          "tr",
          { class: rowClass?.(item) },
          columns.map(([, cell, options]) =>
            h(
              options?.rowHeader ? "th" : "td",
              {
                scope: options?.rowHeader ? "row" : undefined,
                class: options?.num ? "num" : options?.mono ? "mono" : undefined,
              },
              cell(item),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Every item of a keyset-paged list (from `cursor`), following `next_cursor` up to `max`. */
export async function listAll(session, path, { query = {}, signal, max = 2000, cursor: from = null } = {}) {
  const items = [];
  let cursor = from;
  do {
    const page = await call(session, "GET", path, {
      query: { ...query, cursor, limit: Math.min(500, max - items.length) },
      signal,
    });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return { items, more: Boolean(cursor) };
}

/** A labelled input (or select) with help text tied to it by aria-describedby. */
export function field(id, label, control, help) {
  control.id = id;
  if (help) control.setAttribute("aria-describedby", `${id}-help`);
  return h(
    "div",
    { class: "form-field" },
    h("label", { for: id }, label),
    control,
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
  );
}

/** A filter's select of [value, label] options, the one the page's query names selected. */
export function querySelect(query, name, options) {
  return h("select", { name }, options.map(([value, label]) => h("option", { value, selected: query.get(name) === value || undefined }, label)));
}

/** A filter's input, showing the page's query value. */
export function queryInput(query, name, type) {
  return h("input", { name, type, value: query.get(name) ?? "", class: "field" });
}

/** A filter form's submit: the page at `path` again, with the form's `names` as its query. */
export function submitsFilters(form, path, names) {
  form.onsubmit = (event) => {
    event.preventDefault();
    const data = new FormData(form);
    navigate(pageHref(path, Object.fromEntries(names.map((n) => [n, data.get(n)]))));
  };
}

/** The filters the payments report and the disbursements list share (the API's payments
 * query), their ids starting with `prefix`. */
export function fundedFilters(prefix, query, accounts) {
  return [
    field(`${prefix}-account`, "Funding account", querySelect(query, "funding_account_id", [["", "Any account"], ...accounts.map((a) => [a.id, a.nickname])])),
    field(`${prefix}-vendor`, "Vendor", queryInput(query, "vendor_name", "search")),
    field(`${prefix}-from`, "Funded from", queryInput(query, "from", "date")),
    field(`${prefix}-to`, "Funded to", queryInput(query, "to", "date")),
  ];
}

/** A secondary button disabled while `act(button)` runs, enabled again once it has. */
export function busyButton(label, act) {
  const button = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        button.disabled = true;
        await act(button);
        button.disabled = false;
      },
    },
    label,
  );
  return button;
}

/**
 * A form whose submit runs `act`; while it runs the submit button is disabled, and a refusal
 * lands in the form's alert region, with `explain(error)`'s words if any, and the field marked
 * data-invalid-on-refusal is marked invalid and focused.
 */
export function actionForm(attributes, children, act, explain) {
  const message = h("div", { class: "form-message", "aria-live": "polite" });
  const form = h("form", { ...attributes, novalidate: true }, children, message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    for (const input of form.querySelectorAll("[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
    }
    replaceChildren(message);
    if (button) button.disabled = true;
    try {
      const done = await act(new FormData(form), form);
      if (done) replaceChildren(message, h("p", { class: "success", role: "status" }, done));
    } catch (error) {
      if (untilAbort(error)) return;
      const said = problem(error, "Not done. ");
      const why = explain?.(error);
      if (why) said.append(h("span", { class: "explain" }, why));
      replaceChildren(message, said);
      const invalid = form.querySelector("[data-invalid-on-refusal]");
      if (invalid) {
        invalid.setAttribute("aria-invalid", "true");
        invalid.focus();
      }
    } finally {
      if (button) button.disabled = false;
    }
  });
  return form;
}

/** A status as a badge, in words. */
export function badge(status, words) {
  return h("span", { class: `badge badge-${status}` }, words ?? humanize(status));
}

/** "the next check number must be above 101" -> "The next check number must be above 101." */
export function sentence(text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return "";
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
