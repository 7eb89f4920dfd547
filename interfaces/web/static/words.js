// The API's codes in the words of the product: statuses, failure reasons, money.

import { ExportFailureReason } from "./vocabulary.js";

const EXPORT_STATUSES = {
  not_ready: "Not ready",
  sync_disabled: "Sync disabled",
  pending: "Pending",
  exported: "Exported",
  failed_to_export: "Failed to export",
  marked_for_check_run: "Marked for check run",
};

// Why a record failed, and what the person watching the list can do about it.
const FAILURES = {
  check_number_in_use: [
    "The check number is already in use in the ERP.",
    "Enter a check number the ERP has not used yet and click Export.",
  ],
  bank_id_not_found: [
    "The Bank ID does not match a bank account in the ERP.",
    "Enter the Bank ID of the bank account as it is in the ERP and click Export.",
  ],
  invoice_not_synced: [
    "The invoice was not synced to the ERP before the payment was made.",
    "Click Sync invoice: paysync sends the invoice to the ERP as a bill, then links and exports this record by itself.",
  ],
  vendor_not_synced: [
    "The vendor is not set up in the ERP.",
    "Sync the vendor to the ERP, then click Export.",
  ],
  amount_exceeds_open_balance: [
    "The amount is more than the bill's open balance in the ERP (the bill may be paid already).",
    "Check the bill in the ERP. If the payment was entered there by hand, mark it as exported.",
  ],
  partial_payment_not_supported: [
    "This ERP connector does not accept partial payments.",
    "Enter the payment in the ERP by hand, then mark it as exported.",
  ],
  erp_unavailable: [
    "The ERP could not be reached.",
    "Click Export to try again unchanged. The fields can be changed only if the ERP then refuses the record.",
  ],
  erp_rejected: [
    "The ERP refused the record.",
    "Read the ERP's message below. If Export fails again, contact the ERP's support.",
  ],
};

const CONNECTORS = {
  quickbooks_online: "QuickBooks Online",
  quickbooks_desktop: "QuickBooks Desktop",
  sage_intacct: "Sage Intacct",
  sage_300_cre: "Sage 300 CRE",
  viewpoint_vista: "Viewpoint Vista",
  acumatica: "Acumatica",
  yardi: "Yardi",
  cmic: "CMiC",
};

/** "funding_requested" -> "Funding requested", for codes with no special wording. */
export function humanize(code) {
  if (!code) return "—";
  const words = String(code).replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function exportStatusWords(status) {
  return EXPORT_STATUSES[status] ?? humanize(status);
}

export function failureWords(reason) {
  return FAILURES[reason]?.[0] ?? humanize(reason);
}

export function failureRemedy(reason) {
  return FAILURES[reason]?.[1] ?? "If Export fails again, contact the ERP's support.";
}

/** A transient failure: the ERP may hold the record, so it is exported again unchanged first. */
export function failureIsTransient(reason) {
  return reason === ExportFailureReason.ERP_UNAVAILABLE;
}

export function connectorName(connector) {
  return CONNECTORS[connector] ?? "ERP";
}

/** "1234.5" -> "$1,234.50", from the decimal string, never through a float. */
export function money(amount) {
  if (amount === null || amount === undefined) return "—";
  const text = String(amount);
  const negative = text.startsWith("-");
  const [whole, cents = ""] = text.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "−" : ""}$${grouped}.${cents.padEnd(2, "0")}`;
}
