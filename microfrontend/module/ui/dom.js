/**
 * The one DOM helper every piece uses, plus formatters.
 * `h('button', {class: 'btn', onclick: go, disabled: true}, 'Go')`: `on…` keys add listeners,
 * `value` and `checked` set properties, `true` sets an empty attribute, `null`/`false` skip.
 */

/** @typedef {Node | string | number | null | undefined | false | Child[]} Child */

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked') /** @type {any} */ (element)[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** @param {Node} parent @param {Child[]} children */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let counter = 0;
/** An id unique in this document (and so in every shadow root of it). */
export const uid = (prefix = 'trex') => `${prefix}-${++counter}`;

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const count = new Intl.NumberFormat('en-US');

/** @param {number | null | undefined} amount */
export const money = (amount) => (amount == null ? '' : usd.format(amount));
/** @param {number | null | undefined} value */
export const number = (value) => (value == null ? '' : count.format(value));
const ACRONYMS = new Set(['suv', 'awd', 'fwd', 'rwd', '4wd', 'vin', 'sms', 'apr', 'zip']);
/** @param {string} text "third_row" → "Third row", "suv" → "SUV" */
export const humanize = (text) =>
  String(text)
    .split('_')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ')
    .replace(/^./, (first) => first.toUpperCase());
/** @param {string} iso */
export const clockTime = (iso) =>
  new Date(iso).toLocaleTimeString('en-US', {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  });
