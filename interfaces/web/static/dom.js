// Building elements without innerHTML: every value from the API lands as text, never markup.

// Set as properties (their attributes only hold the initial value); the rest as attributes.
const PROPERTIES = new Set(["value", "checked", "textContent"]);

/**
 * h("td", {class: "num", colSpan: 3}, "text", child, [more, children])
 * Attributes: `class`, `dataset`, `on<event>` handlers, booleans, `aria-*` and the rest.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

// Made once: a formatter costs far more to build than to use, and a table has a time a row.
const FORMATS = new Map();
function format(dateStyle, timeStyle) {
  const key = `${dateStyle} ${timeStyle}`;
  if (!FORMATS.has(key)) FORMATS.set(key, new Intl.DateTimeFormat(undefined, { dateStyle, timeStyle }));
  return FORMATS.get(key);
}

/** A time element in the reader's locale, or a dash. */
export function timeOf(iso, { seconds = false } = {}) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const when = new Date(iso);
  const text = Number.isNaN(when.getTime())
    ? iso
    : format("medium", seconds ? "medium" : "short").format(when);
  return h("time", { dateTime: iso, title: exactTime(iso) }, text);
}

/** The moment to the second with its time zone, for hovering: "Tuesday, December 1, 2026 at
 * 9:03:12 PM GMT+1 (2026-12-01T20:03:12Z)". */
export function exactTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const local = format("full", "long").format(when);
  return `${local} (${when.toISOString().replace(".000Z", "Z")})`;
}

/** Replace the contents of `element` with `children`. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** The focused element inside `container` (by id) and its selection, to restore after a redraw. */
export function rememberFocus(container) {
  const active = document.activeElement;
  if (!active?.id || !container.contains(active)) return null;
  return { id: active.id, start: active.selectionStart ?? null, end: active.selectionEnd ?? null };
}

export function restoreFocus(focused) {
  if (!focused) return;
  const element = document.getElementById(focused.id);
  if (!element || element === document.activeElement) return;
  element.focus({ preventScroll: true });
  if (focused.start !== null && typeof element.setSelectionRange === "function") {
    element.setSelectionRange(focused.start, focused.end);
  }
}
