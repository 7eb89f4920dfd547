// Any record's events in words: the event's name, and its data as nested term/value lists.

import { h } from "./dom.js";
import { humanize } from "./words.js";

/** "Disbursement.CheckNumberEdited" -> "Check number edited". */
export function eventName(type) {
  const name = String(type).split(/[.:]/).pop();
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SAID_ELSEWHERE = new Set(["originator_id", "originator_version", "timestamp", "actor"]);

/** An event's data as nested term/value lists: lists of records one under the other. */
export function details(data) {
  const entries = Object.entries(data ?? {}).filter(([name]) => !SAID_ELSEWHERE.has(name));
  if (!entries.length) return h("span", { class: "muted" }, "—");
  return valueOf(Object.fromEntries(entries));
}

function valueOf(value) {
  if (Array.isArray(value)) {
    if (!value.length) return h("span", { class: "muted" }, "none");
    if (value.every((item) => item === null || typeof item !== "object")) return value.join(", ");
    return h(
      "ul",
      { class: "event-list" },
      value.map((item) => h("li", {}, valueOf(item))),
    );
  }
  if (value !== null && typeof value === "object") {
    return h(
      "dl",
      { class: "event-data" },
      Object.entries(value).map(([name, inner]) =>
        h("div", {}, h("dt", {}, humanize(name)), h("dd", {}, valueOf(inner))),
      ),
    );
  }
  return value === null ? h("span", { class: "muted" }, "—") : String(value);
}
