/**
 * Inline hints from a step's `validationRules`: the very rules the server enforces, checked
 * before submit so most mistakes show at once. The server stays the judge; its errors are shown
 * at their fields the same way.
 */

/** @typedef {{field: string, code: string, message: string}} FieldError */

const FORMAT_MESSAGES = {
  email: 'Enter a valid e-mail address, like name@example.com.',
  phone: 'Enter a US phone number, like (212) 555-0199, or one starting with +.',
  zip: 'Enter a 5-digit ZIP code.',
  vin: 'Enter the 17-character VIN (letters I, O and Q are not used).',
  ssn: 'Enter the 9-digit Social Security number.',
  date: 'Enter a date as YYYY-MM-DD.',
};
const TEXT_TYPES = new Set(['string', 'text', ...Object.keys(FORMAT_MESSAGES)]);
// Thousands separators for amounts, not for years.
const fmt = (/** @type {number} */ n) =>
  Math.abs(n) >= 10000 ? n.toLocaleString('en-US') : String(n);

/** Empty, as the server sees it. @param {any} value */
export const isMissing = (value) =>
  value == null ||
  (typeof value === 'string' && !value.trim()) ||
  (Array.isArray(value) && !value.length);

/**
 * The first rule `value` breaks, or null.
 * @param {Record<string, any>} rule  one field's entry of validationRules.fields
 * @param {any} value  as read from its control (typed; a string when it could not be parsed)
 * @param {(name: string) => string} labelOf
 * @param {Record<string, any>} values  every field's value, for requiredUnless
 * @param {string} name
 * @returns {{code: string, message: string} | null}
 */
export function checkField(rule, value, labelOf, values, name, today = new Date()) {
  const label = labelOf(name);
  if (isMissing(value)) {
    const others = rule.requiredUnless ?? [];
    if (others.length) {
      const given = others.some(
        (/** @type {string} */ o) => !isMissing(values[o]) && values[o] !== false,
      );
      return given
        ? null
        : {
            code: 'one_of_required',
            message: `Give ${label} or ${others.map(labelOf).join(' or ')}.`,
          };
    }
    const required = rule.required || holds(rule.requiredWhen, values);
    return required ? { code: 'required', message: `${label} is required.` } : null;
  }
  if (rule.type === 'integer' || rule.type === 'number') return checkNumber(rule, value, label);
  if (TEXT_TYPES.has(rule.type)) return checkText(rule, value, label, today);
  if (rule.type === 'enum' && rule.enum && !rule.enum.includes(value)) {
    return { code: 'enum', message: `${label} must be one of: ${rule.enum.join(', ')}.` };
  }
  if (rule.mustBeTrue && value !== true) {
    return { code: 'must_be_true', message: 'Tick this box to continue.' };
  }
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

/** @param {Record<string, any>} rule @param {any} value @param {string} label */
function checkNumber(rule, value, label) {
  const integral = rule.type === 'integer';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integral && !Number.isInteger(value))
  ) {
    return {
      code: 'type',
      message: `${label} must be ${integral ? 'a whole number' : 'a number'}.`,
    };
  }
  if (rule.exclusiveMinimum != null && value <= rule.exclusiveMinimum) {
    return {
      code: 'minimum',
      message: `${label} must be more than ${fmt(rule.exclusiveMinimum)}.`,
    };
  }
  if (rule.minimum != null && value < rule.minimum) {
    return { code: 'minimum', message: `${label} must be at least ${fmt(rule.minimum)}.` };
  }
  if (rule.maximum != null && value > rule.maximum) {
    return { code: 'maximum', message: `${label} must be at most ${fmt(rule.maximum)}.` };
  }
  return null;
}

/** @param {Record<string, any>} rule @param {any} value @param {string} label @param {Date} today */
function checkText(rule, value, label, today) {
  const text = String(value).trim();
  if (rule.maxLength != null && text.length > rule.maxLength) {
    return {
      code: 'max_length',
      message: `${label} must be at most ${rule.maxLength} characters.`,
    };
  }
  const normalized = normalize(rule, text);
  if (rule.pattern && !new RegExp(rule.pattern).test(normalized)) {
    const message = /** @type {Record<string, string>} */ (FORMAT_MESSAGES)[rule.type];
    return message
      ? { code: 'format', message }
      : { code: 'pattern', message: `${label} is not in the expected format.` };
  }
  if (rule.checkDigit === 'vin' && !vinCheckDigitOk(normalized)) {
    return {
      code: 'vin_check_digit',
      message: "This VIN's check digit does not match: check for typos.",
    };
  }
  if (rule.minAge != null || rule.maxAge != null) return checkAge(rule, normalized, label, today);
  return null;
}

/** The server's normalization: characters removed, case changed. @param {Record<string, any>} rule @param {string} text */
export function normalize(rule, text) {
  const { remove = '', case: letterCase } = rule.normalize ?? {};
  const kept = [...text].filter((c) => !remove.includes(c)).join('');
  return letterCase === 'upper' ? kept.toUpperCase() : kept;
}

/** @param {Record<string, any>} rule @param {string} iso @param {string} label @param {Date} today */
function checkAge(rule, iso, label, today) {
  const [year, month, day] = iso.split('-').map(Number);
  const born = new Date(year, month - 1, day);
  if (born.getMonth() !== month - 1) return { code: 'format', message: FORMAT_MESSAGES.date };
  const birthdayPassed =
    today.getMonth() > born.getMonth() ||
    (today.getMonth() === born.getMonth() && today.getDate() >= born.getDate());
  const age = today.getFullYear() - year - (birthdayPassed ? 0 : 1);
  if (rule.minAge != null && age < rule.minAge) {
    return { code: 'min_age', message: `You must be at least ${rule.minAge} years old.` };
  }
  if (rule.maxAge != null && age > rule.maxAge) {
    return { code: 'max_age', message: `${label} must be at most ${rule.maxAge} years ago.` };
  }
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
 * Every field's first error, then the cross-field rules (on fields that are fine alone).
 * @param {{fields?: Record<string, any>, crossField?: any[]}} rules
 * @param {Record<string, any>} values
 * @param {(name: string) => string} labelOf
 * @param {string[]} [only]  check just these fields (the ones the visitor has touched)
 * @returns {FieldError[]}
 */
export function checkAll(rules, values, labelOf, only) {
  const names = only ?? Object.keys(rules.fields ?? {});
  /** @type {FieldError[]} */
  const errors = [];
  for (const name of names) {
    const rule = rules.fields?.[name];
    const error = rule && checkField(rule, values[name], labelOf, values, name);
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
      errors.push({
        field: cross.high,
        code: 'range_order',
        message: `${labelOf(cross.high)} must not be less than ${labelOf(cross.low)} (${fmt(low)}).`,
      });
    }
  }
  return errors;
}

/** "Dealer name" → "dealer name", but "VIN" stays. @param {string} label */
const lower = (label) =>
  label === label.toUpperCase() ? label : label[0].toLowerCase() + label.slice(1);

/**
 * A short hint shown under a field before anything goes wrong.
 * @param {Record<string, any>} rule @param {(name: string) => string} labelOf
 */
export function hintFor(rule, labelOf) {
  const hints = {
    zip: '5 digits.',
    phone: 'Like +14155550123, or 10 digits.',
    vin: '17 characters; found on the dashboard or the registration.',
    ssn: 'Used for this check only; never stored.',
  };
  const parts = [/** @type {Record<string, string>} */ (hints)[rule.type]];
  if (rule.requiredUnless?.length)
    parts.push(`Or give ${rule.requiredUnless.map((n) => lower(labelOf(n))).join(' or ')}.`);
  if (
    rule.type === 'integer' &&
    rule.minimum != null &&
    rule.maximum != null &&
    rule.maximum <= 100
  ) {
    parts.push(`From ${fmt(rule.minimum)} to ${fmt(rule.maximum)}.`);
  }
  if (rule.type === 'text' && rule.maxLength)
    parts.push(`Up to ${fmt(rule.maxLength)} characters.`);
  return parts.filter(Boolean).join(' ') || undefined;
}
