// A disbursement's events told as sentences, with names where the page knows them.
//
// The events are read oldest first and folded as they go (check numbers, Bank IDs, which
// invoice each payment pays), so each sentence can say "check 100 of invoice INV-7" where
// the event itself only names a payment id.

import { failureWords, money } from "./words.js";

const EXPORTER = "paysync-export";

/** Who did it, in words: the export itself is "paysync". */
export function actorWords(actor) {
  if (!actor) return "—";
  return actor === EXPORTER ? "paysync (the export, by itself)" : actor;
}

export class HistoryReader {
  /** `context`: {accountName, connector, when(iso) -> text} */
  constructor(context) {
    this.context = context;
    this.payments = new Map(); // payment id -> {invoice, vendor, check, bank}
  }

  paymentOf(id) {
    if (!this.payments.has(id)) this.payments.set(id, { invoice: "an invoice" });
    return this.payments.get(id);
  }

  remember(line) {
    const payment = this.paymentOf(line.payment_id);
    payment.invoice = `invoice ${line.invoice_number}`;
    payment.vendor = line.vendor_name;
    payment.amount = line.amount;
  }

  /** The event as one sentence (or a few), folding what it says for the ones after it. */
  sentence(event) {
    const type = String(event.type).split(/[.:]/).pop();
    const data = event.data ?? {};
    const erp = this.context.connector;
    const account = this.context.accountName(data.funding_account_id);
    const p = data.payment_id ? this.paymentOf(data.payment_id) : null;
    const record = p ? `the payment record of ${p.invoice}` : "the payment record";
    switch (type) {
      case "DisbursementDrafted": {
        (data.payments ?? []).forEach((line) => this.remember(line));
        const count = (data.payments ?? []).length;
        return `Drafted "${data.name}" to pay from ${account}: ${count} ${count === 1 ? "payment" : "payments"}.`;
      }
      case "PaymentAdded":
        this.remember(data.payment);
        return `Added a payment of ${money(data.payment.amount)} to invoice ${data.payment.invoice_number} (${data.payment.vendor_name}).`;
      case "PaymentRemoved":
        return `Removed the payment to ${p.invoice}.`;
      case "PaymentAmountChanged":
        return `Changed the payment to ${p.invoice} to ${money(data.amount)}.`;
      case "DisbursementAuthorized": {
        // Issued checks read as {payment_id, check_number}; events stored before that, as pairs.
        const checks = (data.check_numbers ?? []).map((issued) => {
          const [id, number] = Array.isArray(issued) ? issued : [issued.payment_id, issued.check_number];
          const payment = this.paymentOf(id);
          payment.check = number;
          payment.bank = data.bank_id;
          return `check ${number} for ${payment.invoice}`;
        });
        return `Authorized. Funding requested from ${this.context.accountName()} (Bank ID ${data.bank_id}); issued ${checks.join(", ")}.`;
      }
      case "DisbursementCanceled":
        return `Canceled: ${data.reason}`;
      case "FundingCompleted":
        return data.payment_record_sync_enabled
          ? `Funding completed: the bank's drawdown landed ${this.context.when(data.funded_at)}. The payment records went to ${erp}.`
          : `Funding completed: the bank's drawdown landed ${this.context.when(data.funded_at)}. Payment record sync is off, so nothing went to ${erp}.`;
      case "FundingFailed":
        return `Funding failed: ${data.reason}`;
      case "PayoutReturned":
        return `The bank returned the payout for ${p.invoice}: ${data.reason}. The invoice owes the amount again.`;
      case "ExportSucceeded":
        return data.marked_for_check_run
          ? `${erp} took ${record} and marked it for its check run (reference ${data.erp_payment_ref}).`
          : `${erp} recorded ${p.check ? `check ${p.check} of ${p.invoice}` : record} as payment ${data.erp_payment_ref}.`;
      case "ExportFailed": {
        const what = p.check ? `check ${p.check} of ${p.invoice}` : record;
        const because = failureWords(data.reason);
        if (data.erp_code) {
          return `${erp} refused ${what}${p.bank ? ` on bank account ${p.bank}` : ""}: ${because} ${erp} said (error ${data.erp_code}): "${data.message}"`;
        }
        return `${what.charAt(0).toUpperCase()}${what.slice(1)} did not reach ${erp}: ${because} ${data.message ?? ""}`.trim();
      }
      case "ExportRetryScheduled":
        return `${erp} could not be reached for ${record} (${data.tries} ${data.tries === 1 ? "try" : "tries"} so far: ${data.message}). paysync tries again by itself ${this.context.when(data.next_try_at)}.`;
      case "CheckNumberEdited":
        p.check = data.check_number;
        return `Changed the check number of ${p.invoice} from ${data.previous_check_number ?? "none"} to ${data.check_number}.`;
      case "BankIdEdited":
        p.bank = data.bank_id;
        return `Changed the Bank ID of ${p.invoice} from ${data.previous_bank_id ?? "none"} to ${data.bank_id}.`;
      case "PaymentRelinked":
        return `Linked ${record} to the invoice's bill in ${erp} (bill ${data.erp_bill_ref}), now that the invoice is synced.`;
      case "ExportRequested":
        return `Sent ${record} to ${erp} again (attempt ${data.attempt}).`;
      case "MarkedAsExported":
        return `Marked ${record} as exported by hand${data.erp_payment_ref ? ` (ERP reference ${data.erp_payment_ref})` : " (no ERP reference given)"}${data.note ? `: ${data.note}` : "."}`;
      default:
        return type.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
    }
  }
}
