/**
 * Inline hints from a step's `validationRules`: the very rules the server enforces, checked
 * before submit so most mistakes show at once, each in the server's own words for the rule (the
 * field's `messages`), so the hint is the message the server gives after submit. The server
 * stays the judge; its errors are shown at their fields the same way.
 */

/** @typedef {{field: string, code: string, message: string}} FieldError */

import { locale, t } from './i18n.js';

const TEXT_TYPES = new Set(['string', 'text', 'email', 'phone', 'zip', 'vin', 'ssn', 'date']);
// Thousands separators for amounts, not for years.
const fmt = (/** @type {number} */ n) =>
  Math.abs(n) >= 10000 ? n.toLocaleString(locale()) : String(n);
/** "A or B or C" in the shown language. @param {string[]} labels */
const either = (labels) => labels.join(` ${t('validation.or')} `);

/**
 * A broken rule with the server's own text for it: the field's `messages` (rule code → the
 * text the server gives, in the session's language), else a generic one.
 * @param {Record<string, any>} rule @param {string} code @param {string} [variant]
 */
const broken = (rule, code, variant) => ({
  code,
  message:
    (variant && rule.messages?.[`${code}.${variant}`]) ||
    rule.messages?.[code] ||
    t('validation.check_field'),
});

/** Empty, as the server sees it. @param {any} value */
export const isMissing = (value) =>
  value == null ||
  (typeof value === 'string' && !value.trim()) ||
  (Array.isArray(value) && !value.length);

/**
 * The first rule `value` breaks, or null.
 * @param {Record<string, any>} rule  one field's entry of validationRules.fields
 * @param {any} value  as read from its control (typed; a string when it could not be parsed)
 * @param {Record<string, any>} values  every field's value, for requiredUnless
 * @returns {{code: string, message: string} | null}
 */
export function checkField(rule, value, values, today = new Date()) {
  if (isMissing(value)) {
    const others = rule.requiredUnless ?? [];
    if (others.length) {
      const given = others.some(
        (/** @type {string} */ o) => !isMissing(values[o]) && values[o] !== false,
      );
      return given ? null : broken(rule, 'one_of_required');
    }
    const required = rule.required || holds(rule.requiredWhen, values);
    return required ? broken(rule, 'required') : null;
  }
  if (rule.type === 'integer' || rule.type === 'number') return checkNumber(rule, value);
  if (TEXT_TYPES.has(rule.type)) return checkText(rule, value, today);
  if (rule.type === 'enum' && rule.enum && !rule.enum.includes(value)) {
    return broken(rule, 'enum');
  }
  if (rule.mustBeTrue && value !== true) return broken(rule, 'must_be_true');
  return null;
}

/**
 * Whether a `requiredWhen` condition ({field, op, value}) holds for these answers.
 * @param {{field: string, op: string, value?: any} | undefined} when @param {Record<string, any>} values
 */
export function holds(when, values) {
  if (!when) return false;
  const answer = values[when.field];
  switch (when.op) {
    case 'equals':
      return answer === when.value;
    case 'not_equals':
      return !isMissing(answer) && answer !== when.value;
    case 'in':
      return Array.isArray(when.value) && when.value.includes(answer);
    case 'is_true':
      return answer === true;
    default:
      return false;
  }
}

/** @param {Record<string, any>} rule @param {any} value */
function checkNumber(rule, value) {
  const integral = rule.type === 'integer';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integral && !Number.isInteger(value))
  ) {
    return broken(rule, 'type');
  }
  if (rule.exclusiveMinimum != null && value <= rule.exclusiveMinimum) {
    return broken(rule, 'minimum');
  }
  if (rule.minimum != null && value < rule.minimum) return broken(rule, 'minimum');
  if (rule.maximum != null && value > rule.maximum) return broken(rule, 'maximum');
  return null;
}

/** @param {Record<string, any>} rule @param {any} value @param {Date} today */
function checkText(rule, value, today) {
  const text = String(value).trim();
  if (rule.maxLength != null && text.length > rule.maxLength) return broken(rule, 'max_length');
  if (rule.minLength != null && text.length < rule.minLength) return broken(rule, 'min_length');
  const normalized = normalize(rule, text);
  if (rule.pattern && !new RegExp(rule.pattern).test(normalized)) {
    if (rule.type === 'string' || rule.type === 'text') return broken(rule, 'pattern');
    // A VIN with I, O or Q reads as the server says it: check for a 1 or a 0.
    const letters = rule.type === 'vin' && /[IOQ]/.test(normalized);
    return broken(rule, 'format', letters ? 'vin_letters' : undefined);
  }
  if (rule.checkDigit === 'vin' && !vinCheckDigitOk(normalized)) {
    return broken(rule, 'vin_check_digit');
  }
  if (rule.minAge != null || rule.maxAge != null) return checkAge(rule, normalized, today);
  return null;
}

/** The server's normalization: characters removed, case changed. @param {Record<string, any>} rule @param {string} text */
export function normalize(rule, text) {
  const { remove = '', case: letterCase } = rule.normalize ?? {};
  const kept = [...text].filter((c) => !remove.includes(c)).join('');
  return letterCase === 'upper' ? kept.toUpperCase() : kept;
}

/** @param {Record<string, any>} rule @param {string} iso @param {Date} today */
function checkAge(rule, iso, today) {
  const [year, month, day] = iso.split('-').map(Number);
  const born = new Date(year, month - 1, day);
  if (born.getMonth() !== month - 1) return broken(rule, 'format');
  const birthdayPassed =
    today.getMonth() > born.getMonth() ||
    (today.getMonth() === born.getMonth() && today.getDate() >= born.getDate());
  const age = today.getFullYear() - year - (birthdayPassed ? 0 : 1);
  if (rule.minAge != null && age < rule.minAge) return broken(rule, 'min_age');
  if (rule.maxAge != null && age > rule.maxAge) return broken(rule, 'max_age');
  return null;
}

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
/** Letter → value in the VIN check-digit sum (I, O, Q never occur). */
const VIN_VALUES = Object.fromEntries(
  ['ABCDEFGH', 'JKLMN', 'P', 'R', 'STUVWXYZ'].flatMap((letters, i) =>
    [...letters].map((c, j) => [c, [1, 1, 7, 9, 2][i] + j]),
  ),
);

/** @param {string} vin */
export function vinCheckDigitOk(vin) {
  const sum = [...vin].reduce(
    (total, c, i) => total + (/\d/.test(c) ? Number(c) : (VIN_VALUES[c] ?? 0)) * VIN_WEIGHTS[i],
    0,
  );
  const digit = sum % 11 === 10 ? 'X' : String(sum % 11);
  return vin[8] === digit;
}

/**
 * Every field's first error, then the cross-field rules (on fields that are fine alone), each
 * with the server's text for its rule.
 * @param {{fields?: Record<string, any>, crossField?: any[]}} rules
 * @param {Record<string, any>} values
 * @param {string[]} [only]  check just these fields (the ones the visitor has touched)
 * @returns {FieldError[]}
 */
export function checkAll(rules, values, only) {
  const names = only ?? Object.keys(rules.fields ?? {});
  /** @type {FieldError[]} */
  const errors = [];
  for (const name of names) {
    const rule = rules.fields?.[name];
    const error = rule && checkField(rule, values[name], values);
    if (error) errors.push({ field: name, ...error });
  }
  for (const cross of rules.crossField ?? []) {
    const [low, high] = [values[cross.low], values[cross.high]];
    const bothFine = !errors.some((e) => e.field === cross.low || e.field === cross.high);
    if (
      cross.rule === 'range_order' &&
      names.includes(cross.high) &&
      bothFine &&
      typeof low === 'number' &&
      typeof high === 'number' &&
      low > high
    ) {
      errors.push({ field: cross.high, ...broken(rules.fields?.[cross.high] ?? {}, 'range_order') });
    }
  }
  return errors;
}

/** "Dealer name" → "dealer name", but "VIN" stays. @param {string} label */
const lower = (label) =>
  label === label.toUpperCase() ? label : label[0].toLowerCase() + label.slice(1);

/** The types with a hint of their own (hint.<type>). */
const HINTS = new Set(['zip', 'phone', 'vin', 'ssn']);

/**
 * A short hint shown under a field before anything goes wrong.
 * @param {Record<string, any>} rule @param {(name: string) => string} labelOf
 */
export function hintFor(rule, labelOf) {
  const parts = [HINTS.has(rule.type) ? t(`hint.${rule.type}`) : null];
  if (rule.requiredUnless?.length)
    parts.push(
      t('hint.or_give', {
        others: either(rule.requiredUnless.map((/** @type {string} */ n) => lower(labelOf(n)))),
      }),
    );
  if (
    rule.type === 'integer' &&
    rule.minimum != null &&
    rule.maximum != null &&
    rule.maximum <= 100
  ) {
    parts.push(t('hint.range', { minimum: fmt(rule.minimum), maximum: fmt(rule.maximum) }));
  }
  if (rule.type === 'text' && rule.maxLength)
    parts.push(t('hint.max_length', { maxLength: fmt(rule.maxLength) }));
  return parts.filter(Boolean).join(' ') || undefined;
}
