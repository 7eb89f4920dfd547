// The ERP Integrations page, beyond its list: a search by vendor, invoice or check number
// (sent to the server, which searches every record of the tab); several failed records
// selected and exported at once; counts on the tabs; and the list kept current by itself
// (server-sent events, polling as the fallback) without touching what the user is typing
// (the list redraws keep typed values and the caret).

import { APP_ROOT, pageHref } from "./nav.js";
import { call } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { sleep, untilAbort } from "./timing.js";
import { ExportStatus } from "./vocabulary.js";

const COUNTED = [ExportStatus.FAILED_TO_EXPORT, ExportStatus.PENDING, ExportStatus.EXPORTED, "all"];
const COUNT_LIMIT = 500;
const POLL_MS = 5000;
const SEARCH_PAUSE_MS = 300; // a search is sent once typing pauses, not on every key
const HELP = "Vendor, invoice or check number, searched among every record of this tab.";

export class RecordExtras {
  constructor(list) {
    this.list = list;
    this.selected = new Set();
    this.query = new URLSearchParams(location.search).get("q") ?? "";
    this.live = "starting";
  }

  /** The search box and the bulk toolbar, shown above the list. */
  toolbar() {
    this.search = h("input", {
      type: "search",
      id: "record-search",
      name: "q",
      class: "field",
      value: this.query,
      autocomplete: "off",
      "aria-describedby": "record-search-help",
      oninput: () => {
        this.query = this.search.value;
        history.replaceState(null, "", pageHref("/payment-records", { filter: this.list.filter.value, q: this.query.trim() }));
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.list.search(), SEARCH_PAUSE_MS);
      },
    });
    this.found = h("span", { class: "help", id: "record-search-help", "aria-live": "polite" }, HELP);
    this.bulkButton = h("button", { type: "button", class: "primary", hidden: true, onclick: () => this.exportSelected() }, "Export selected");
    this.liveNote = h("span", { class: "live-note muted" });
    return h(
      "div",
      { class: "record-tools" },
      h("div", { class: "form-field search-field" }, h("label", { for: "record-search" }, "Search"), this.search, this.found),
      h("div", { class: "bulk" }, this.bulkButton, this.liveNote),
    );
  }

  /** The search as the server takes it: trimmed, or none. */
  searchText() {
    return this.query.trim() || undefined;
  }

  /** After each drawing of the list: selection boxes, and what the search found. */
  decorate() {
    const list = this.list;
    for (const item of list.items) {
      const rows = list.rows.get(item.payment_id) ?? [];
      if (list.withActions && item.export_status === ExportStatus.FAILED_TO_EXPORT) this.addBox(rows[0], item);
    }
    for (const id of this.selected) {
      if (!list.items.some((i) => i.payment_id === id && i.export_status === ExportStatus.FAILED_TO_EXPORT)) this.selected.delete(id);
    }
    const words = this.searchText();
    const count = `${list.items.length}${list.cursor ? "+" : ""}`;
    this.found.textContent = words
      ? `${count} record${count === "1" ? " matches" : "s match"} “${words}”${list.cursor ? " (Load more for the rest)" : ""}.`
      : HELP;
    this.showBulk();
  }

  addBox(row, item) {
    const cell = row?.querySelector(".actions-cell");
    if (!cell || cell.querySelector(".select-record")) return;
    const id = `select-${item.payment_id}`;
    const box = h("input", {
      type: "checkbox",
      id,
      class: "select-record",
      checked: this.selected.has(item.payment_id),
      onchange: (event) => {
        if (event.target.checked) this.selected.add(item.payment_id);
        else this.selected.delete(item.payment_id);
        this.showBulk();
      },
    });
    cell.prepend(h("div", { class: "select-line" }, box, h("label", { for: id }, `Select invoice ${item.invoice_number}`)));
  }

  showBulk() {
    const count = this.selected.size;
    this.bulkButton.hidden = count === 0;
    this.bulkButton.textContent = `Export selected (${count})`;
  }

  /** Export every selected record as typed on its row, all at once; each row says how it went. */
  async exportSelected() {
    const ids = [...this.selected];
    this.selected.clear();
    this.showBulk();
    await Promise.all(ids.map((id) => this.list.actions.export(id)));
    this.list.announce(`${ids.length} selected record${ids.length === 1 ? " was" : "s were"} sent to the ERP; each row says how it went.`);
  }

  start() {
    if (this.list.view.signal.aborted) return;
    this.countTabs();
    this.follow();
  }

  /** How many records each tab lists (up to 500, then "500+"). */
  async countTabs() {
    const links = [...document.querySelectorAll(".tabs a")];
    const counts = await Promise.all(
      COUNTED.map((filter) =>
        call(this.list.session, "GET", "/erp-integrations/payment-records", { query: { filter, limit: COUNT_LIMIT }, signal: this.list.view.signal })
          .then((page) => `${page.items.length}${page.next_cursor ? "+" : ""}`)
          .catch(() => null),
      ),
    );
    COUNTED.forEach((filter, i) => {
      const link = links.find((a) => a.href.includes(`filter=${filter}`));
      if (!link || counts[i] === null) return;
      // Seen on the tab, said as the tab's description: the tab's name stays its label.
      let badge = link.querySelector(".count");
      if (!badge) {
        badge = h("span", { class: "count", id: `count-${filter}`, "aria-hidden": "true" });
        link.append(" ", badge);
        link.setAttribute("aria-describedby", badge.id);
      }
      badge.textContent = counts[i];
    });
  }

  /** Keep the list current: server-sent events while they work, polling when they do not. */
  async follow() {
    const signal = this.list.view.signal;
    while (!signal.aborted) {
      try {
        await this.stream(signal);
      } catch (error) {
        if (untilAbort(error)) return;
        this.setLive("polling");
        try {
          await sleep(POLL_MS, signal);
        } catch {
          return;
        }
        this.changed();
      }
    }
  }

  async stream(signal) {
    const session = this.list.session;
    const url = new URL(`../v1/companies/${encodeURIComponent(session.company)}/erp-integrations/payment-records/changes`, APP_ROOT);
    const response = await fetch(url, { headers: { Authorization: `Bearer ${session.token}`, Accept: "text/event-stream" }, cache: "no-store", credentials: "omit", signal });
    if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
    this.setLive("live");
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return; // the server ends a stream now and then; open the next
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (/^event: changed$/m.test(message)) this.changed();
      }
    }
  }

  changed() {
    this.list.refresh();
    this.countTabs();
  }

  setLive(mode) {
    if (this.live === mode) return;
    this.live = mode;
    replaceChildren(this.liveNote, mode === "live" ? "Updates by itself as records change." : "Checking for changes every few seconds.");
  }
}
