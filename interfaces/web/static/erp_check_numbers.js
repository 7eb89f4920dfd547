// The funding account's bank account as the ERP sees it (GET .../erp-check-numbers): the ERP's
// latest check number there, and the Next Check Number the support article's advice proposes.
// Asked once the page is on screen, since the answer waits on the ERP.

import { call } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { untilAbort } from "./timing.js";
import { fact, sentence } from "./ui.js";
import { connectorName } from "./words.js";

export class ErpCheckNumbers {
  constructor(session, path, signal) {
    this.session = session;
    this.path = path;
    this.signal = signal;
    this.latest = h("span", { class: "mono" }, "asking the ERP…");
    this.proposed = h("span", { class: "mono" }, "asking the ERP…");
    this.note = h("div", { class: "erp-note", "aria-live": "polite" });
    this.offer = h("div", { class: "proposal" });
  }

  /** The two facts for the account's list of facts. */
  facts() {
    return [
      fact("Latest check number in the ERP", this.latest),
      fact("Proposed Next Check Number", this.proposed),
    ];
  }

  /** Beside the Next Check Number field: the proposal, and a button that types it there. */
  offerFor(input) {
    this.input = input;
    return this.offer;
  }

  /** Ask the ERP (again, e.g. after a save) and say what it answered. */
  async ask() {
    let advice;
    try {
      advice = await call(this.session, "GET", `${this.path}/erp-check-numbers`, { signal: this.signal });
    } catch (error) {
      if (untilAbort(error)) return;
      this.latest.textContent = "not known";
      this.proposed.textContent = "none";
      replaceChildren(this.note, h("p", { class: "problem", role: "alert" }, `The ERP's checks could not be read: ${sentence(error.message)}`));
      replaceChildren(this.offer);
      return;
    }
    this.show(advice);
  }

  show(advice) {
    const erp = connectorName(advice.connector);
    const bank = advice.bank_id;
    const highest = advice.highest_check_number_in_erp;
    const next = advice.next_check_number;
    const proposal = advice.proposed_next_check_number;
    this.latest.textContent = !advice.listed ? "not known" : highest === null ? "none" : String(highest);
    this.proposed.textContent = !advice.listed ? "none" : proposal === null ? "none needed" : String(proposal);
    let words;
    if (!advice.listed) {
      // The server names the connector by its code; the page by the name people know.
      const why = sentence(String(advice.why_not_listed ?? "").replaceAll(advice.connector, erp));
      words = `${why} Look up the latest check number on bank account ${bank} in ${erp} and set Next Check Number well above it.`;
    } else if (highest === null) {
      words = `${erp} has no check on bank account ${bank} yet: Next Check Number ${next} cannot meet one.`;
    } else if (proposal === null) {
      words = `Next Check Number ${next} is already above ${highest}, ${erp}'s latest check number on bank account ${bank}.`;
    } else {
      words = `Next Check Number ${next} is not above ${highest}, ${erp}'s latest check number on bank account ${bank}: ${erp} would refuse a check whose number it already used. ${proposal} is proposed.`;
    }
    replaceChildren(this.note, h("p", { class: "help" }, words));
    replaceChildren(this.offer, proposal === null || !this.input ? null : this.offerOf(erp, highest, proposal));
  }

  offerOf(erp, highest, proposal) {
    const said = h("p", { class: "help", "aria-live": "polite" });
    return [
      h("p", {}, `${erp}'s latest check number on this bank account is ${highest}, so ${proposal} is proposed.`),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            this.input.value = String(proposal);
            this.input.focus();
            said.textContent = `${proposal} is in the field; Save Next Check Number to keep it.`;
          },
        },
        `Use ${proposal}`,
      ),
      said,
    ];
  }
}
