// What a payments admin does with a disbursement: authorize the draft, cancel it with a
// reason; and, while its funding or its records' export is under way, the page follows it.

import { ApiError, call, seg } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { can, navigate, pageHref } from "./nav.js";
import { sleep, untilAbort } from "./timing.js";
import { actionForm, field, problem } from "./ui.js";
import { DisbursementStatus, ExportStatus } from "./vocabulary.js";

const FOLLOW_MS = 1000;
const SEPARATION_OF_DUTIES =
  "Separation of duties: whoever approved an invoice may not also authorize its payment, so " +
  "no one person both approves and pays a bill. Ask another payments admin to authorize it.";

export function disbursementActions(view, session, disbursement) {
  follow(view, session, disbursement);
  const past = h(
    "p",
    {},
    h("a", { href: pageHref(`/audit/records/${seg(disbursement.id)}`) }, "Its state at any version or time, beside now"),
  );
  if (disbursement.status !== DisbursementStatus.DRAFT) return past;
  if (!can(session, "authorize") && !can(session, "cancel")) return past;
  const path = `/disbursements/${seg(disbursement.id)}`;
  const message = h("div", { "aria-live": "polite" });
  const authorize = h(
    "button",
    {
      type: "button",
      class: "primary",
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        replaceChildren(message);
        try {
          await call(session, "POST", `${path}/authorize`);
          navigate(location.pathname, { replace: true });
        } catch (error) {
          if (untilAbort(error)) return;
          const said = problem(error, "Not authorized. ");
          if (error instanceof ApiError && /separation-of-duties/.test(error.problem.type ?? "")) {
            said.append(h("span", { class: "explain" }, ` ${SEPARATION_OF_DUTIES}`));
          }
          replaceChildren(message, said);
          button.disabled = false;
        }
      },
    },
    "Authorize and request funding",
  );
  const reason = h("input", { type: "text", name: "reason", class: "field wide", required: true, "data-invalid-on-refusal": true });
  const cancel = h(
    "details",
    { class: "cancel-draft" },
    h("summary", {}, "Cancel this draft…"),
    actionForm(
      { class: "edit-form" },
      [
        field("cancel-reason", "Reason for canceling", reason, "Kept in the disbursement's history."),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Cancel disbursement")),
      ],
      async (data) => {
        const text = String(data.get("reason") ?? "").trim();
        if (!text) throw new ApiError(422, { detail: "Say why the disbursement is canceled." });
        await call(session, "POST", `${path}/cancel`, { body: { reason: text } });
        navigate(location.pathname, { replace: true });
        return null;
      },
    ),
  );
  return [past, h(
    "section",
    { class: "panel", "aria-labelledby": "draft-actions-heading" },
    h("h2", { id: "draft-actions-heading" }, "This draft"),
    h(
      "p",
      { class: "help" },
      "Authorizing gives each payment its check number from the funding account and asks the bank for the drawdown.",
    ),
    can(session, "authorize") ? h("div", { class: "actions" }, authorize) : null,
    message,
    can(session, "cancel") ? cancel : null,
  )];
}

/** While funding or an export is under way, show the page again when the disbursement changes. */
async function follow(view, session, disbursement) {
  const moving =
    disbursement.status === DisbursementStatus.FUNDING_REQUESTED ||
    disbursement.payments.some((p) => p.export_status === ExportStatus.PENDING);
  if (!moving) return;
  const here = location.pathname;
  try {
    for (;;) {
      await sleep(FOLLOW_MS, view.signal);
      const now = await call(session, "GET", `/disbursements/${seg(disbursement.id)}`, {
        signal: view.signal,
      });
      if (now.version !== disbursement.version) {
        // Typing in the cancel form or the page's fields is not lost: nothing editable is
        // open on a disbursement that is moving.
        if (location.pathname === here) navigate(here, { replace: true });
        return;
      }
    }
  } catch (error) {
    if (!untilAbort(error)) console.warn(error); // eslint-disable-line no-console
  }
}
