// What the approver does to a failed payment record, and following it until the ERP answers.

import { ApiError, call, seg } from "./api.js";
import { h } from "./dom.js";
import { sleep, untilAbort } from "./timing.js";
import { exportStatusWords, failureWords } from "./words.js";
import { ExportStatus } from "./vocabulary.js";

// A record this tab just exported or marked: lists are re-read until the read model shows it so.
const EXPECT_FOR_MS = 60_000;
export const expected = new Map();

/** The actions on the rows of one record list. */
export class RecordActions {
  constructor(list) {
    this.list = list;
  }

  say(id, message) {
    if (message) this.list.messages.set(id, message);
    else this.list.messages.delete(id);
    this.list.redraw(id);
  }

  /** Save the fields the user changed (only those), then ask for the export again. */
  async export(id) {
    const item = this.list.itemOf(id);
    if (!item || this.list.busy.has(id)) return;
    const changes = {};
    const checkInput = document.getElementById(`check-${id}`);
    const bankInput = document.getElementById(`bank-${id}`);
    if (checkInput) {
      const typed = checkInput.value.trim();
      if (typed !== String(item.check_number ?? "")) {
        if (!/^\d{1,12}$/.test(typed) || Number(typed) < 1) {
          this.say(id, {
            kind: "error",
            field: "check_number",
            title: "Not exported.",
            text: "Check Number must be a whole number, such as 10001.",
          });
          checkInput.focus();
          return;
        }
        changes.check_number = Number(typed);
      }
    }
    if (bankInput) {
      const typed = bankInput.value.trim();
      if (typed !== (item.bank_id ?? "")) {
        if (!typed) {
          this.say(id, {
            kind: "error",
            field: "bank_id",
            title: "Not exported.",
            text: "Bank ID cannot be empty.",
          });
          bankInput.focus();
          return;
        }
        changes.bank_id = typed;
      }
    }
    const path = this.pathOf(item);
    const queued = await this.act(id, "Not exported.", async () => {
      if (Object.keys(changes).length) {
        try {
          this.absorb(
            id,
            await call(this.list.session, "PATCH", path, {
              body: changes,
              signal: this.list.view.signal,
            }),
          );
        } catch (error) {
          error.refusedTitle = "Not saved.";
          // A refusal of one changed field is about that field.
          if (Object.keys(changes).length === 1) error.field = Object.keys(changes)[0];
          throw error;
        }
        this.list.drafts.delete(id);
      }
      this.absorb(
        id,
        await call(this.list.session, "POST", `${path}/export`, { signal: this.list.view.signal }),
      );
    });
    const after = this.list.itemOf(id);
    if (!queued || !after) return;
    this.focusRow(id, "a");
    if (after.export_status === ExportStatus.PENDING) {
      this.list.announce(
        `Invoice ${after.invoice_number} was sent to the ERP. Waiting for its answer…`,
      );
      this.follow(after);
    } else {
      this.settled(after);
    }
  }

  /** Sync the record's invoice to the ERP: paysync then relinks and exports the record. */
  async syncInvoice(id) {
    const item = this.list.itemOf(id);
    if (!item) return;
    const synced = await this.act(id, "Invoice not synced.", async () => {
      await call(this.list.session, "POST", `/invoices/${seg(item.invoice_id)}/erp-sync`, {
        signal: this.list.view.signal,
      });
    });
    if (!synced) return;
    item.export_status = ExportStatus.PENDING;
    item.export_failure = null;
    this.list.redraw(id);
    this.list.announce(
      `Invoice ${item.invoice_number} was synced to the ERP. Its payment record is being exported…`,
    );
    this.follow(item);
  }

  async relink(id) {
    const item = this.list.itemOf(id);
    if (!item) return;
    const relinked = await this.act(id, "Not relinked.", async () => {
      this.absorb(
        id,
        await call(this.list.session, "POST", `${this.pathOf(item)}/relink`, {
          signal: this.list.view.signal,
        }),
      );
    });
    if (relinked) {
      this.say(id, {
        kind: "note",
        title: "Relinked.",
        text: "The record now points at the invoice's bill in the ERP. Click Export to send it again.",
      });
      this.focusRow(id, "button[type=submit]");
    }
  }

  /** Marking stops paysync for good: ask first, on the row, what it means. */
  confirmMarkExported(id, reference) {
    const item = this.list.itemOf(id);
    if (!item) return;
    this.say(id, {
      kind: "note",
      title: `Mark invoice ${item.invoice_number} as exported?`,
      text: [
        `paysync stops trying to export it and lists it as marked by hand${reference ? ` with ERP reference ${reference}` : ""}. Do this only if the payment is in the ERP. `,
        h(
          "button",
          {
            type: "button",
            class: "primary",
            onclick: () => this.markExported(id, reference),
          },
          "Yes, mark as exported",
        ),
        " ",
        h(
          "button",
          { type: "button", class: "secondary", onclick: () => this.say(id, null) },
          "Cancel",
        ),
      ],
    });
    document.getElementById(`message-${id}`)?.querySelector("button")?.focus();
  }

  async markExported(id, reference) {
    const item = this.list.itemOf(id);
    if (!item) return;
    const body = reference ? { erp_payment_ref: reference } : {};
    const marked = await this.act(id, "Not marked as exported.", async () => {
      this.absorb(
        id,
        await call(this.list.session, "POST", `${this.pathOf(item)}/mark-exported`, {
          body,
          signal: this.list.view.signal,
        }),
      );
    });
    if (marked) this.settled(this.list.itemOf(id), "marked as exported by hand");
  }

  /** Run one action on a row, busy meanwhile; a refusal is shown on the row. True if done. */
  async act(id, refusedTitle, action) {
    this.list.busy.add(id);
    this.list.messages.delete(id);
    this.list.redraw(id);
    try {
      await action();
    } catch (error) {
      if (untilAbort(error)) return false;
      this.list.busy.delete(id);
      if (error instanceof ApiError && error.status === 401) {
        this.list.view.unauthorized(error.message);
        return false;
      }
      const field = error.field ?? error.problem?.errors?.[0]?.field;
      this.say(id, {
        kind: "error",
        field,
        title: error.refusedTitle ?? refusedTitle,
        text: error.message,
      });
      this.focusRow(
        id,
        field ? `input[name=${field}]` : "input[name=check_number], button[type=submit]",
      );
      return false;
    }
    this.list.busy.delete(id);
    this.list.redraw(id);
    return true;
  }

  focusRow(id, selector) {
    const row = this.list.rows.get(id)?.[0];
    (row?.querySelector(selector) ?? row?.querySelector("a"))?.focus();
  }

  /** Take a record's new state from the disbursement the API answered with. */
  absorb(id, disbursement) {
    const payment = disbursement?.payments?.find((p) => p.id === id);
    const item = this.list.itemOf(id);
    if (!payment || !item) return;
    for (const name of [
      "check_number",
      "bank_id",
      "export_status",
      "export_failure",
      "exported_at",
      "amount",
      "vendor_name",
      "invoice_number",
      "erp_payment_ref",
      "marked_by_hand",
    ]) {
      if (name in payment) item[name] = payment[name];
    }
  }

  /** Poll the disbursement (read straight from its events) until the ERP has answered. */
  async follow(item) {
    const id = item.payment_id;
    this.list.following.add(id);
    const giveUpAt = Date.now() + 120_000;
    let delay = 300;
    try {
      while (Date.now() < giveUpAt) {
        await sleep(delay, this.list.view.signal);
        delay = Math.min(delay * 1.5, 3000);
        let disbursement;
        try {
          disbursement = await call(
            this.list.session,
            "GET",
            `/disbursements/${seg(item.disbursement_id)}`,
            { signal: this.list.view.signal },
          );
        } catch (error) {
          if (untilAbort(error)) return;
          if (error instanceof ApiError && error.status === 401)
            return this.list.view.unauthorized(error.message);
          continue; // a lost poll is tried again
        }
        this.absorb(id, disbursement);
        if (this.list.itemOf(id)?.export_status !== ExportStatus.PENDING) {
          this.list.following.delete(id);
          this.settled(this.list.itemOf(id));
          return;
        }
      }
      this.say(id, {
        kind: "note",
        title: "Still pending.",
        text: "The ERP has not answered yet; it can take up to 10 minutes. Click Refresh later.",
      });
    } catch (error) {
      if (!untilAbort(error)) throw error;
    } finally {
      this.list.following.delete(id);
    }
  }

  /** The ERP answered (or the user marked it): say how, and show the list as it now is. */
  settled(item, how) {
    const id = item.payment_id;
    expected.set(id, {
      export_status: item.export_status,
      check_number: item.check_number,
      until: Date.now() + EXPECT_FOR_MS,
    });
    if (item.export_status === ExportStatus.FAILED_TO_EXPORT) {
      const failure = item.export_failure;
      this.say(id, {
        kind: "error",
        title: "The ERP refused the record again.",
        text: failure ? `${failureWords(failure.reason)} ${failure.message ?? ""}` : "",
      });
      this.list.warn(`Invoice ${item.invoice_number} failed to export again.`);
    } else {
      const check = item.check_number === null ? "" : ` with check number ${item.check_number}`;
      const where = this.list.tabOf(item.export_status);
      const done = how ?? `${exportStatusWords(item.export_status).toLowerCase()}${check}`;
      this.list.announce(
        `Invoice ${item.invoice_number} was ${done}. `,
        where
          ? h("a", { href: `#/payment-records?filter=${where.value}` }, `See ${where.label}`)
          : null,
      );
      if (!this.list.belongs(item.export_status)) this.list.remove(id);
      else this.list.redraw(id);
    }
    this.list.refresh();
  }

  pathOf(item) {
    return `/disbursements/${seg(item.disbursement_id)}/payments/${seg(item.payment_id)}`;
  }
}
