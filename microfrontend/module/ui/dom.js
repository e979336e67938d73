/**
 * The one DOM helper every piece uses, plus formatters.
 * `h('button', {class: 'btn', onclick: go, disabled: true}, 'Go')`: `on…` keys add listeners,
 * `value` and `checked` set properties, `true` sets an empty attribute, `null`/`false` skip.
 */
import { locale, t } from '../i18n.js';

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

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();
/** A number format of the shown locale (made once). @param {string} kind @param {Intl.NumberFormatOptions} options */
const numbers = (kind, options) => {
  const key = `${locale()}|${kind}`;
  let found = formats.get(key);
  if (!found) formats.set(key, (found = new Intl.NumberFormat(locale(), options)));
  return found;
};

/** @param {number | null | undefined} amount */
export const money = (amount) =>
  amount == null
    ? ''
    : numbers('usd', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(
        amount,
      );
/** @param {number | null | undefined} value */
export const number = (value) => (value == null ? '' : numbers('count', {}).format(value));
const ACRONYMS = new Set(['suv', 'awd', 'fwd', 'rwd', '4wd', 'vin', 'sms', 'apr', 'zip']);
/** @param {string} text "third_row" → "Third row", "suv" → "SUV" */
export const humanize = (text) =>
  String(text)
    .split('_')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ')
    .replace(/^./, (first) => first.toUpperCase());
/**
 * A code (a field name, an enumerated value) in the shown language: the catalogue's
 * `<prefix>.<code>`, else humanized. @param {string} prefix @param {string} code
 */
export function inWords(prefix, code) {
  const id = `${prefix}.${code}`;
  const text = t(id);
  return text === id ? humanize(code) : text;
}

/** @param {string} iso */
export const clockTime = (iso) =>
  new Date(iso).toLocaleTimeString(locale(), {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  });
