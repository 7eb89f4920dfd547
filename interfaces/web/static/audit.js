// The auditor's pages: is the stored history intact (and its chain head, to write down);
// any record's timeline, and its state at a chosen version or time beside its state now.

import { ApiError, call, download, seg } from "./api.js";
import { fundingAccounts, invoices } from "./collections.js";
import { details, eventName } from "./event_details.js";
import { h, replaceChildren, timeOf } from "./dom.js";
import { navigate, pageHref } from "./nav.js";
import { busyButton, fact, field, listAll, load, loadingBody, pageHead, problem, table } from "./ui.js";
import { humanize } from "./words.js";

export function showAudit(view, session) {
  document.title = "Audit · paysync";
  const body = loadingBody("Loading records…");
  replaceChildren(
    view.main,
    pageHead("Audit", "Prove what happened: check the stored history, export it, and open any record's past."),
    verifySection(session),
    exportSection(session),
    body,
  );
  load(view, body, async () => {
    const [accounts, disbursements, listed] = await Promise.all([
      fundingAccounts(session, view.signal),
      listAll(session, "/reports/disbursements", { signal: view.signal, max: 200 }),
      invoices(session, view.signal),
    ]);
    const records = [
      ...disbursements.items.map((d) => ({ id: d.id, kind: "Disbursement", name: d.name })),
      ...accounts.map((a) => ({ id: a.id, kind: "Funding account", name: a.nickname })),
      ...listed.items.slice(0, 200).map((i) => ({ id: i.id, kind: "Invoice", name: i.invoice_number })),
    ];
    const idInput = h("input", { type: "text", name: "record", class: "field wide", autocomplete: "off", spellcheck: "false" });
    const openForm = h(
      "form",
      {
        class: "edit-form",
        onsubmit: (event) => {
          event.preventDefault();
          const id = idInput.value.trim();
          if (id) navigate(pageHref(`/audit/records/${seg(id)}`));
        },
      },
      field("record-id", "Record ID", idInput, "Any record of the company: a disbursement, funding account or invoice."),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Open record")),
    );
    replaceChildren(
      body,
      h("h2", {}, "Records"),
      openForm,
      table(
        "Records",
        [
          ["Record", (r) => h("a", { href: pageHref(`/audit/records/${seg(r.id)}`) }, r.name), { rowHeader: true }],
          ["Kind", (r) => r.kind],
          ["ID", (r) => r.id, { mono: true }],
        ],
        records,
        { empty: "No record yet." },
      ),
    );
  });
}

function verifySection(session) {
  const result = h("div", { "aria-live": "polite" });
  const anchor = h("input", { type: "text", name: "anchor", class: "field wide", autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    {
      class: "edit-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const button = form.querySelector("button");
        button.disabled = true;
        replaceChildren(result, h("p", { class: "loading" }, "Checking every stored event…"));
        try {
          const answer = await call(session, "GET", "/audit/verify", { query: { anchor: anchor.value.trim() || undefined } });
          replaceChildren(result, verification(answer));
        } catch (error) {
          replaceChildren(result, problem(error, "Could not verify. "));
        } finally {
          button.disabled = false;
        }
      },
    },
    field("verify-anchor", "Chain head written down earlier (optional)", anchor, "Paste a head from an earlier check (NUMBER:HASH) to prove nothing before it changed since."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Verify history")),
  );
  return h("section", { class: "panel", "aria-labelledby": "verify-heading" }, h("h2", { id: "verify-heading" }, "Verify the history"), form, result);
}

function verification(answer) {
  const head = answer.head;
  return h(
    "div",
    { class: answer.ok ? "verify-ok" : "verify-bad", role: "status" },
    h(
      "p",
      { class: answer.ok ? "success" : "problem" },
      answer.ok
        ? `History intact: all ${answer.events_checked} stored events match the hash chain.`
        : `History does not match: event ${answer.first_bad_event?.notification_id} is ${humanize(answer.first_bad_event?.problem).toLowerCase()}; ${answer.events_checked} events before it are intact.`,
    ),
    head
      ? h(
          "dl",
          { class: "facts" },
          fact("Chain head (write it down)", h("code", { class: "chain-head", id: "chain-head" }, head.anchor)),
          fact("At event", head.notification_id),
        )
      : null,
  );
}

function exportSection(session) {
  const status = h("p", { class: "help", "aria-live": "polite" }, "Every event of the company as JSON lines, in log order.");
  const button = busyButton("Download the history", async () => {
    status.textContent = "Exporting…";
    try {
      const lines = await download(session, "/audit/export", "paysync-history.ndjson", (n) => {
        status.textContent = `Exporting… ${n} events so far.`;
      });
      status.textContent = `Exported ${lines} events to paysync-history.ndjson.`;
    } catch (error) {
      status.replaceWith(problem(error, "Export failed. "));
    }
  });
  return h("section", { class: "panel", "aria-labelledby": "export-heading" }, h("h2", { id: "export-heading" }, "Export the history"), status, h("div", { class: "actions" }, button));
}

export function showAuditRecord(view, session, id, query) {
  document.title = "Record history · paysync";
  const body = loadingBody("Loading the record's history…");
  replaceChildren(
    view.main,
    h("p", { class: "back" }, h("a", { href: pageHref("/audit") }, "← Audit")),
    pageHead("Record history", "Every change to this record, and the record as it was at any moment."),
    body,
  );
  load(view, body, async () => {
    const version = query.get("version");
    const asOf = query.get("as_of");
    const path = `/audit/records/${seg(id)}`;
    const [history, now, then] = await Promise.all([
      call(session, "GET", "/audit/events", { query: { aggregate_id: id }, signal: view.signal }),
      call(session, "GET", path, { signal: view.signal }),
      version || asOf
        ? call(session, "GET", path, {
            query: version ? { version } : { as_of: new Date(asOf).toISOString() },
            signal: view.signal,
          }).catch((error) => {
            if (error instanceof ApiError && error.status !== 401) return { error };
            throw error;
          })
        : null,
    ]);
    const title = now.attributes.name ?? now.attributes.nickname ?? now.attributes.invoice_number ?? humanize(now.type);
    replaceChildren(view.main.querySelector("h1"), `Record history: ${title}`);
    replaceChildren(
      body,
      h(
        "dl",
        { class: "facts" },
        fact("Kind", humanize(now.type)),
        fact("ID", h("span", { class: "mono" }, now.id)),
        fact("Version now", now.version),
        fact("Last changed", timeOf(now.modified_at)),
      ),
      pastForm(id, history.events, version, asOf),
      then ? comparison(then, now) : null,
      h("h2", {}, "Timeline"),
      table(
        "Events, oldest first",
        [
          ["Version", (e) => e.version, { num: true }],
          ["When", (e) => timeOf(e.timestamp)],
          ["What", (e) => eventName(e.type), { rowHeader: true }],
          ["Who", (e) => e.actor ?? "—"],
          ["Details", (e) => details(e.data)],
          ["State", (e) => h("a", { href: pageHref(`/audit/records/${seg(id)}`, { version: e.version }), "aria-label": `State then: version ${e.version}` }, "State then")],
        ],
        history.events,
        { empty: "No events recorded." },
      ),
    );
  });
}

function pastForm(id, events, version, asOf) {
  const versionSelect = h(
    "select",
    { name: "version" },
    h("option", { value: "" }, "—"),
    events.map((e) => h("option", { value: e.version, selected: String(e.version) === version || undefined }, `${e.version}: ${eventName(e.type)}`)),
  );
  // To the millisecond: events of one record are often within the same second.
  const when = h("input", { type: "datetime-local", name: "as_of", class: "field", step: 0.001, value: asOf ?? "" });
  return h(
    "form",
    {
      class: "filters",
      "aria-label": "Show the record as it was",
      onsubmit: (event) => {
        event.preventDefault();
        navigate(pageHref(`/audit/records/${seg(id)}`, versionSelect.value ? { version: versionSelect.value } : { as_of: when.value }));
      },
    },
    field("past-version", "At version", versionSelect),
    field("past-time", "or at a time (your local time)", when),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Show past state")),
  );
}

/** The record then and now, side by side, field by field; a changed value is marked. */
function comparison(then, now) {
  if (then.error) return problem(then.error, "No past state: ");
  const before = flatten(then.attributes);
  const after = flatten(now.attributes);
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const show = (value) =>
    value === undefined ? h("span", { class: "muted" }, "(absent)") : value === null ? h("span", { class: "muted" }, "—") : String(value);
  const changed = names.filter((n) => before.get(n) !== after.get(n));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "compare-heading" },
    h("h2", { id: "compare-heading" }, `At version ${then.version} and now (version ${now.version})`),
    h(
      "p",
      { role: "status" },
      changed.length
        ? `${changed.length} field${changed.length === 1 ? "" : "s"} changed since, marked below: ${changed.slice(0, 8).join(", ")}${changed.length > 8 ? ", …" : ""}.`
        : "Nothing changed since.",
    ),
    h(
      "table",
      { class: "records-table compare" },
      h("caption", { class: "visually-hidden" }, "The record then and now"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, `Version ${then.version}`), h("th", { scope: "col" }, `Now (version ${now.version})`))),
      h(
        "tbody",
        {},
        names.map((n) => {
          const differs = changed.includes(n);
          const cell = (value) => h("td", { class: differs ? "changed" : undefined }, differs ? h("mark", {}, show(value)) : show(value));
          return h(
            "tr",
            { class: differs ? "is-changed" : undefined },
            h("th", { scope: "row" }, n, differs ? h("span", { class: "visually-hidden" }, " (changed)") : null),
            cell(before.get(n)),
            cell(after.get(n)),
          );
        }),
      ),
    ),
  );
}

/** {payments: {ID: {check_number: 100}}} -> "Payments › bf34b8ab › Check number" -> 100. */
function flatten(value, path = [], into = new Map()) {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
    for (const [name, inner] of Object.entries(value)) {
      // A payment, keyed by its id, reads by its invoice number.
      const label = /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(name)
        ? (inner?.line?.invoice_number ?? inner?.invoice_number ?? name.slice(0, 8))
        : humanize(name);
      flatten(inner, [...path, label], into);
    }
  } else {
    into.set(path.join(" › ") || "Value", Array.isArray(value) ? JSON.stringify(value) : value);
  }
  return into;
}
