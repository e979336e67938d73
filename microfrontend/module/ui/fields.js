/**
 * Form controls with their label, hint and error message. Each factory returns a Control:
 *   element  the wrapper, marked `data-field="<name>"`
 *   read()   the value as the API wants it (typed), undefined when left empty
 *   setError(message)   shows (or with '' clears) the message at the field, for screen readers too
 *   focus()
 * `onchange` in the options is called whenever the value changes.
 */
import { h, uid } from './dom.js';
import { t } from '../i18n.js';

/**
 * @typedef {{element: HTMLElement, read: () => any, setError: (message: string) => void,
 *            focus: () => void, inputs: HTMLElement[]}} Control
 * @typedef {{value: string, label: string}} Option
 * @typedef {{name: string, label: string, required?: boolean, optional?: boolean, hint?: string,
 *            value?: any, onchange?: () => void}} Common  optional: marked "(optional)"; by default when not required
 */

/** Label text with "(optional)" for optional fields. @param {Common} spec */
const labelText = ({ label, required, optional = !required }) => [
  label,
  optional ? h('span', { class: 'optional' }, t('field.optional')) : null,
];

/**
 * The wrapper every control shares (also for controls of a step's own making).
 * @param {Common & {fieldset?: boolean, bare?: boolean}} spec  `bare`: the body labels itself
 * @param {HTMLElement[]} inputs  the focusable inputs, described by the hint and error
 * @param {HTMLElement} body
 * @param {() => any} read
 * @returns {Control}
 */
export function control(spec, inputs, body, read) {
  const id = inputs[0].id || uid('f');
  const hint = spec.hint ? h('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null;
  const error = h('p', { class: 'error', id: `${id}-error` });
  const describedBy = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  const head = spec.bare
    ? null
    : spec.fieldset
      ? h('legend', null, labelText(spec))
      : h('label', { for: id }, labelText(spec));
  const element = h(
    spec.fieldset ? 'fieldset' : 'div',
    { class: 'field', 'data-field': spec.name },
    head,
    hint,
    body,
    error,
  );
  for (const input of inputs) {
    input.setAttribute('aria-describedby', describedBy);
    if (spec.required) input.setAttribute('aria-required', 'true');
    if (spec.onchange) {
      input.addEventListener('change', spec.onchange);
      input.addEventListener('input', spec.onchange);
    }
  }
  return {
    element,
    inputs,
    read,
    focus: () =>
      (inputs.find((i) => /** @type {HTMLInputElement} */ (i).checked) ?? inputs[0]).focus(),
    setError(message) {
      error.textContent = message;
      for (const input of inputs) {
        if (message) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    },
  };
}

/**
 * A one-line input. `parse` turns the trimmed text into the API's value.
 * @param {Common & {type?: string, inputmode?: string, autocomplete?: string, maxLength?: number,
 *          parse?: (text: string) => any, attrs?: Record<string, any>, addon?: HTMLElement}} spec
 */
export function textField(spec) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      id: uid('f'),
      name: spec.name,
      class: 'input',
      type: spec.type ?? 'text',
      inputmode: spec.inputmode,
      autocomplete: spec.autocomplete ?? 'off',
      maxlength: spec.maxLength,
      value: spec.value == null ? '' : String(spec.value),
      ...spec.attrs,
    })
  );
  const parse = spec.parse ?? ((text) => text);
  const body = spec.addon ? h('div', { class: 'with-button' }, input, spec.addon) : input;
  return control(spec, [input], body, () =>
    input.value.trim() === '' ? undefined : parse(input.value.trim()),
  );
}

/** @param {Common & {maxLength?: number}} spec */
export function textareaField(spec) {
  const input = /** @type {HTMLTextAreaElement} */ (
    h('textarea', {
      id: uid('f'),
      name: spec.name,
      class: 'input',
      maxlength: spec.maxLength,
      rows: 4,
    })
  );
  input.value = spec.value ?? '';
  return control(spec, [input], input, () =>
    input.value.trim() === '' ? undefined : input.value.trim(),
  );
}

/** @param {Common & {options: Option[], placeholder?: string, parse?: (v: string) => any}} spec */
export function selectField(spec) {
  const select = /** @type {HTMLSelectElement} */ (
    h('select', { id: uid('f'), name: spec.name, class: 'input' })
  );
  const result = control(spec, [select], select, () =>
    select.value === '' ? undefined : (spec.parse ?? String)(select.value),
  );
  setOptions(select, spec.options, spec.value, spec.placeholder);
  return result;
}

/**
 * Replaces a select's options, keeping `value` when it is still offered.
 * @param {HTMLSelectElement} select @param {Option[]} options @param {any} value @param {string} [placeholder]
 */
export function setOptions(select, options, value, placeholder = t('field.choose')) {
  select.replaceChildren(
    h('option', { value: '' }, placeholder),
    ...options.map((o) => h('option', { value: o.value }, o.label)),
  );
  select.value = options.some((o) => o.value === String(value ?? '')) ? String(value) : '';
}

/** Radio buttons: one of the options. @param {Common & {options: Option[], parse?: (v: string) => any}} spec */
export function radioField(spec) {
  const name = uid(spec.name);
  const inputs = spec.options.map((option) =>
    h('input', {
      type: 'radio',
      name,
      value: option.value,
      checked: String(spec.value) === option.value,
    }),
  );
  const body = h(
    'div',
    { class: 'options' },
    spec.options.map((option, i) => h('label', { class: 'check' }, inputs[i], option.label)),
  );
  const read = () => {
    const chosen = /** @type {HTMLInputElement[]} */ (inputs).find((i) => i.checked);
    return chosen ? (spec.parse ?? String)(chosen.value) : undefined;
  };
  return control({ ...spec, fieldset: true }, inputs, body, read);
}

/** Checkboxes: any of the options, read as a list. @param {Common & {options: Option[]}} spec */
export function checkboxesField(spec) {
  const chosen = new Set(spec.value ?? []);
  const inputs = spec.options.map((option) =>
    h('input', { type: 'checkbox', value: option.value, checked: chosen.has(option.value) }),
  );
  const body = h(
    'div',
    { class: 'options' },
    spec.options.map((option, i) => h('label', { class: 'check' }, inputs[i], option.label)),
  );
  const read = () => {
    const values = /** @type {HTMLInputElement[]} */ (inputs)
      .filter((i) => i.checked)
      .map((i) => i.value);
    return values.length ? values : undefined;
  };
  return control({ ...spec, fieldset: true }, inputs, body, read);
}

/** One checkbox, read as true or false (a consent, a yes/no). @param {Common} spec */
export function checkboxField(spec) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      id: uid('f'),
      type: 'checkbox',
      name: spec.name,
      checked: spec.value === true,
    })
  );
  const body = h('label', { class: 'check' }, input, spec.label);
  return control({ ...spec, bare: true }, [input], body, () => input.checked);
}
