/**
 * The element's own words, from a message catalogue: `t('nav.back')`, `t('pending.since',
 * {what, time})`, `plural('results.count', n)`. Ids are stable and dotted; `{name}` is a
 * placeholder. US English is bundled (i18n/en-US.js); another locale's catalogue (i18n/es-US.js)
 * is loaded with import() only when a host page chooses it. An id a catalogue lacks falls back
 * to US English. One locale per page: the one the last started element chose.
 */
import en from './i18n/en-US.js';

export const DEFAULT_LOCALE = 'en-US';
/** @type {Record<string, () => Promise<{default: Record<string, string>}>>} */
const LOADERS = {
  'es-US': () => import('./i18n/es-US.js'),
};
/** @type {Map<string, Promise<Record<string, string>>>} */
const loading = new Map();

let current = DEFAULT_LOCALE;
/** @type {Record<string, string>} */
let messages = en;
/** @type {Intl.PluralRules} */
let plurals = new Intl.PluralRules(DEFAULT_LOCALE);

/**
 * The locale an element shows: its `locale` attribute, else the page's <html lang>, mapped to
 * one the element ships (es, es-MX, es-US → es-US); anything else is US English.
 * @param {unknown} requested @param {string | null | undefined} [pageLang]
 */
export function resolveLocale(requested, pageLang = document.documentElement.lang) {
  const wanted = String(requested || pageLang || '').trim().toLowerCase();
  return /^es(\b|_)/.test(wanted) ? 'es-US' : DEFAULT_LOCALE;
}

/** The locale shown now (for Intl formatters). */
export const locale = () => current;

/**
 * Makes `code` the locale shown, once its catalogue is here (at once for US English); resolves
 * to the locale shown (US English when the catalogue could not be fetched).
 * @param {string} code @returns {Promise<string>}
 */
export function useLocale(code) {
  const load = LOADERS[code];
  if (!load) return Promise.resolve(choose(DEFAULT_LOCALE, en));
  let catalogue = loading.get(code);
  if (!catalogue) {
    catalogue = load().then((module) => module.default);
    // A failed fetch is tried again next time (and the element shows US English meanwhile).
    catalogue.catch(() => loading.delete(code));
    loading.set(code, catalogue);
  }
  return catalogue.then(
    (found) => choose(code, found),
    (error) => {
      console.warn('[trex-workflow] locale', code, /** @type {Error} */ (error).message);
      return choose(DEFAULT_LOCALE, en);
    },
  );
}

/** @param {string} code @param {Record<string, string>} catalogue */
function choose(code, catalogue) {
  current = code;
  messages = catalogue;
  plurals = new Intl.PluralRules(code);
  return code;
}

/**
 * The text of message `id`, its `{placeholders}` filled from `params`.
 * @param {string} id @param {Record<string, string | number>} [params]
 */
export function t(id, params) {
  const text = messages[id] ?? en[id] ?? id;
  return params
    ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole))
    : text;
}

/**
 * A message that depends on a count: `id.one`, `id.other` (and `id.many` where the locale has
 * it, else `other`), with `{count}` filled in.
 * @param {string} id @param {number} count @param {Record<string, string | number>} [params]
 */
export function plural(id, count, params = {}) {
  const form = `${id}.${plurals.select(count)}`;
  const chosen = messages[form] ?? en[form] ? form : `${id}.other`;
  return t(chosen, { count, ...params });
}
