// The ERP Integrations tool: payment records by export status. On a failed record the
// approver fixes Check Number or Bank ID and clicks Export, relinks it, or marks it exported.

import { ApiError, call } from "./api.js";
import { h, rememberFocus, replaceChildren, restoreFocus } from "./dom.js";
import { RecordActions, expected } from "./record_actions.js";
import { RecordExtras } from "./record_extras.js";
import { recordRows } from "./record_rows.js";
import { sleep, untilAbort } from "./timing.js";
import { connectorName, exportStatusWords } from "./words.js";
import { ExportStatus } from "./vocabulary.js";

// What a tab says about its status; a status without words here still gets its tab.
const TAB_WORDS = {
  failed_to_export: { label: "Failed to Export", empty: "No payment record failed to export." },
  pending: { label: "Pending", empty: "No payment record is waiting for the ERP." },
  exported: { label: "Exported", empty: "No payment record has been exported yet." },
};
// The statuses come from the server (the domain's enum), in the order the tabs show them.
const STATUSES = document
  .querySelector('meta[name="export-statuses"]')
  .content.split(" ")
  .filter(Boolean);
const FILTERS = [
  ...STATUSES.map((value) => {
    const words = exportStatusWords(value);
    return {
      value,
      label: TAB_WORDS[value]?.label ?? words,
      empty: TAB_WORDS[value]?.empty ?? `No payment record is ${words.toLowerCase()}.`,
    };
  }),
  {
    value: "all",
    label: "All",
    empty: "No payment record yet: records appear once funding completes.",
  },
];
const MAX_LIMIT = 500;

export function showPaymentRecords(view, session, filterValue) {
  const filter = FILTERS.find((f) => f.value === filterValue) ?? FILTERS[0];
  document.title = `${filter.label} · ERP Integrations · paysync`;
  new RecordList(view, session, filter).show();
}

class RecordList {
  constructor(view, session, filter) {
    this.view = view;
    this.session = session;
    this.filter = filter;
    this.items = [];
    this.cursor = null;
    this.connector = "ERP";
    this.rows = new Map(); // payment id -> the row's <tr> elements
    this.messages = new Map(); // payment id -> {kind, title, text, field}
    this.drafts = new Map(); // payment id -> {check_number, bank_id} as typed
    this.busy = new Set(); // payment ids with a request in flight
    this.following = new Set(); // payment ids waiting for the ERP's answer
    this.refreshing = false;
    this.actions = new RecordActions(this);
    this.extras = new RecordExtras(this);
  }

  show() {
    const tabs = h(
      "nav",
      { class: "tabs", "aria-label": "Payment records by export status" },
      h(
        "ul",
        {},
        FILTERS.map((f) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href: `#/payment-records?filter=${f.value}`,
                "aria-current": f === this.filter ? "page" : undefined,
              },
              f.label,
            ),
          ),
        ),
      ),
    );
    this.notice = h("div", { class: "notice", role: "status", tabindex: -1 });
    this.body = h(
      "div",
      { class: "records", "aria-busy": "true" },
      h("p", { class: "loading" }, "Loading payment records…"),
    );
    this.more = h("div", { class: "more" });
    replaceChildren(
      this.view.main,
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("h1", { tabindex: -1 }, "ERP Integrations"),
          h(
            "p",
            { class: "lede" },
            this.session.canEdit
              ? "Payment records sent to the ERP. On a failed record, fix the Check Number or Bank ID and click Export."
              : "Payment records sent to the ERP, and why any failed to export. Read only.",
          ),
        ),
        h(
          "button",
          { type: "button", class: "secondary", onclick: () => this.refresh() },
          "Refresh",
        ),
      ),
      tabs,
      this.extras.toolbar(),
      this.notice,
      this.body,
      this.more,
    );
    this.loadConnector();
    // The list first; the tabs' counts and the live updates once it is on screen.
    this.refresh().finally(() => this.extras.start());
  }

  // --- reading ----------------------------------------------------------------------------
  async loadConnector() {
    try {
      const settings = await call(this.session, "GET", "/erp-settings", {
        signal: this.view.signal,
      });
      this.connector = connectorName(settings.connector);
      if (this.items.length) this.renderTable();
    } catch {
      // The words "ERP" stand in for the connector's name.
    }
  }

  async fetchPage(cursor, limit) {
    return call(this.session, "GET", "/erp-integrations/payment-records", {
      query: { filter: this.filter.value, cursor, limit, q: this.extras.searchText() },
      signal: this.view.signal,
    });
  }

  /** The search changed: the list starts again from its first page of matches. */
  search() {
    this.items = [];
    this.cursor = null;
    this.refresh();
  }

  /** Read the list again (as many rows as are shown), until it agrees with what this tab did. */
  async refresh() {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    this.refreshAgain = false;
    this.body.setAttribute("aria-busy", "true");
    try {
      const limit = this.items.length > 50 ? Math.min(this.items.length, MAX_LIMIT) : undefined;
      const searched = this.extras.searchText();
      let page = await this.fetchPage(null, limit);
      for (let attempt = 0; attempt < 20 && !this.agrees(page); attempt++) {
        await sleep(250, this.view.signal);
        page = await this.fetchPage(null, limit);
      }
      // An answer to a search the user has since changed is not drawn; the new one follows.
      if (searched === this.extras.searchText()) this.take(page);
      else this.refreshAgain = true;
    } catch (error) {
      if (!this.loaded && !untilAbort(error)) replaceChildren(this.body);
      this.failed(error, "The payment records could not be read");
    } finally {
      this.refreshing = false;
      this.body.removeAttribute("aria-busy");
    }
    if (this.refreshAgain && !this.view.signal.aborted) this.refresh();
    else this.refreshWhilePending();
  }

  /** Whether the read model already shows the records this tab exported as they now are. */
  agrees(page) {
    const now = Date.now();
    for (const [id, expect] of expected) {
      if (expect.until < now) {
        expected.delete(id);
        continue;
      }
      const item = page.items.find((i) => i.payment_id === id);
      if (item) {
        if (
          item.export_status !== expect.export_status ||
          item.check_number !== expect.check_number
        )
          return false;
      } else if (this.belongs(expect.export_status) && !page.next_cursor && !this.extras.searchText()) {
        return false;
      }
    }
    return true;
  }

  belongs(status) {
    return this.filter.value === "all" || this.filter.value === status;
  }

  take(page) {
    // A row this tab is working on keeps what this tab knows of it.
    const local = new Map(this.items.map((i) => [i.payment_id, i]));
    const working = (id) => this.busy.has(id) || this.following.has(id);
    this.items = page.items.map((item) => {
      const id = item.payment_id;
      return working(id) ? (local.get(id) ?? item) : item;
    });
    // One this tab is exporting stays until its answer, even if the list moved it elsewhere.
    const listed = new Set(this.items.map((i) => i.payment_id));
    this.items.push(...[...local.values()].filter((i) => working(i.payment_id) && !listed.has(i.payment_id)));
    this.cursor = page.next_cursor;
    this.loaded = true;
    this.renderTable();
  }

  async loadMore(button) {
    button.disabled = true;
    button.textContent = "Loading…";
    try {
      const page = await this.fetchPage(this.cursor);
      const known = new Set(this.items.map((i) => i.payment_id));
      this.items.push(...page.items.filter((i) => !known.has(i.payment_id)));
      this.cursor = page.next_cursor;
      this.renderTable();
    } catch (error) {
      this.failed(error, "More payment records could not be read");
      button.disabled = false;
      button.textContent = "Load more";
    }
  }

  /** Records someone else sent to the ERP: read the list again until none is pending. */
  async refreshWhilePending() {
    if (this.watchingPending) return;
    this.watchingPending = true;
    try {
      await this.pollWhilePending();
    } finally {
      this.watchingPending = false;
    }
  }

  async pollWhilePending() {
    let delay = 1000;
    while (!this.view.signal.aborted) {
      const waiting = this.items.some(
        (i) => i.export_status === ExportStatus.PENDING && !this.following.has(i.payment_id),
      );
      if (!waiting) return;
      try {
        await sleep(delay, this.view.signal);
      } catch {
        return;
      }
      delay = Math.min(delay * 2, 10_000);
      if (this.refreshing) continue;
      try {
        const searched = this.extras.searchText();
        const page = await this.fetchPage(
          null,
          this.items.length > 50 ? Math.min(this.items.length, MAX_LIMIT) : undefined,
        );
        if (searched === this.extras.searchText() && !this.refreshing) this.take(page);
      } catch (error) {
        if (untilAbort(error)) return;
      }
    }
  }

  failed(error, what) {
    if (untilAbort(error)) return;
    if (error instanceof ApiError && error.status === 401) {
      this.view.unauthorized(error.message);
      return;
    }
    replaceChildren(
      this.notice,
      h("p", { class: "problem", role: "alert" }, `${what}: ${error.message}`),
    );
  }

  announce(...text) {
    replaceChildren(this.notice, h("p", { class: "success" }, ...text));
  }

  /** Something went wrong: said as a failure, never in a success's colours. */
  warn(...text) {
    replaceChildren(this.notice, h("p", { class: "failure", role: "alert" }, ...text));
  }

  // --- drawing ----------------------------------------------------------------------------
  renderTable() {
    const focused = rememberFocus(this.view.main);
    this.rows.clear();
    if (!this.items.length) {
      const searched = this.extras.searchText();
      replaceChildren(
        this.body,
        h("p", { class: "empty" }, searched ? `No record on this tab matches “${searched}”.` : this.filter.empty),
      );
    } else {
      const headers = [
        "Invoice",
        "Vendor",
        "Amount",
        "Check Number",
        "Bank ID",
        "Export status",
        "Funded",
      ];
      this.withActions =
        this.session.canEdit && this.items.some((i) => i.export_status === ExportStatus.FAILED_TO_EXPORT);
      if (this.withActions) headers.push("Actions");
      // Every list that can show an exported record shows its ERP reference.
      this.withReference = this.items.some((i) =>
        [ExportStatus.EXPORTED, ExportStatus.MARKED_FOR_CHECK_RUN].includes(i.export_status),
      );
      if (this.withReference) headers.splice(7, 0, "ERP reference");
      replaceChildren(
        this.body,
        h(
          "table",
          { class: "records-table" },
          h("caption", { class: "visually-hidden" }, `Payment records: ${this.filter.label}`),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              headers.map((text) =>
                h("th", { scope: "col", class: text === "Amount" ? "num" : undefined }, text),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            this.items.map((item) => recordRows(this, item)),
          ),
        ),
      );
    }
    replaceChildren(
      this.more,
      this.cursor
        ? h(
            "button",
            { type: "button", class: "secondary", onclick: (e) => this.loadMore(e.currentTarget) },
            "Load more",
          )
        : null,
    );
    this.extras.decorate();
    restoreFocus(focused);
  }

  /** Draw one record again, in place, leaving every other row (and what is typed there) alone. */
  redraw(paymentId) {
    const item = this.items.find((i) => i.payment_id === paymentId);
    const old = this.rows.get(paymentId);
    if (!item || !old) return;
    const focused = rememberFocus(this.view.main);
    const fresh = recordRows(this, item);
    old[0].replaceWith(...fresh);
    old.slice(1).forEach((row) => row.remove());
    this.extras.decorate();
    restoreFocus(focused);
  }

  remove(paymentId) {
    const hadFocus = this.rows.get(paymentId)?.some((row) => row.contains(document.activeElement));
    this.items = this.items.filter((i) => i.payment_id !== paymentId);
    if (!this.items.length) this.renderTable();
    else this.rows.get(paymentId)?.forEach((row) => row.remove());
    this.rows.delete(paymentId);
    // The focus stays near what happened: on the notice that says where the record went.
    if (hadFocus) this.notice.focus();
  }

  /** The tab that lists records of this export status, if one does. */
  tabOf(status) {
    return FILTERS.find((f) => f.value === status);
  }

  itemOf(id) {
    return this.items.find((i) => i.payment_id === id);
  }
}
