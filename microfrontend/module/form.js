/**
 * A form built from a step's `fields`: a control per field type (or the step's own), grouped by
 * `field.group`, with inline hints from `validationRules` and server errors at their fields.
 */
import { h, humanize } from './ui/dom.js';
import { button } from './ui/button.js';
import { actions, grid, group } from './ui/layout.js';
import {
  checkboxField,
  checkboxesField,
  radioField,
  selectField,
  textField,
  textareaField,
} from './ui/fields.js';
import { ssnField } from './ui/ssn-input.js';
import { checkAll, hintFor } from './validation.js';
import { plural, t } from './i18n.js';

/**
 * @typedef {{name: string, type: string, required: boolean, label: string, group?: string | null,
 *            options?: {value: string, label: string}[] | null, constraints: Record<string, any>}} Field
 * @typedef {import('./ui/fields.js').Control} Control
 * @typedef {(field: Field, common: import('./ui/fields.js').Common) => Control | null} ControlFactory
 */

const GROUP_LABELS = () => ({ vehicle_to_sell: t('form.group.vehicle_to_sell') });
const AUTOCOMPLETE = {
  first_name: 'given-name',
  last_name: 'family-name',
  full_name: 'name',
  email: 'email',
  phone: 'tel',
  zip: 'postal-code',
  address_line: 'address-line1',
};

/** "35,000", "$35000" → 35000; anything else stays text (and fails the type check). @param {string} text */
export function parseNumber(text) {
  const plain = text.replace(/[$,\s]/g, '');
  return /^-?(\d+\.?\d*|\.\d+)$/.test(plain) ? Number(plain) : text;
}

/** The control a field's type calls for. @type {ControlFactory} */
export function defaultControl(field, common) {
  const options = field.options ?? [];
  const auto = /** @type {Record<string, string>} */ (AUTOCOMPLETE)[field.name];
  switch (field.type) {
    case 'boolean':
      return options.length
        ? radioField({ ...common, options, parse: (v) => v === 'true' })
        : checkboxField(common);
    case 'enum':
      return options.length <= 5
        ? radioField({ ...common, options })
        : selectField({ ...common, options });
    case 'multi_enum':
      return checkboxesField({ ...common, options });
    case 'integer':
      return textField({ ...common, inputmode: 'numeric', parse: parseNumber });
    case 'number':
      return textField({ ...common, inputmode: 'decimal', parse: parseNumber });
    case 'text':
      return textareaField({ ...common, maxLength: field.constraints.maxLength });
    case 'email':
      return textField({ ...common, type: 'email', autocomplete: auto ?? 'email' });
    case 'phone':
      return textField({ ...common, type: 'tel', autocomplete: auto ?? 'tel' });
    case 'zip':
      return textField({
        ...common,
        inputmode: 'numeric',
        autocomplete: auto ?? 'postal-code',
        maxLength: 5,
      });
    case 'date':
      return textField({ ...common, type: 'date', autocomplete: 'bday' });
    case 'ssn':
      return ssnField(common);
    case 'vin':
      return textField({
        ...common,
        maxLength: 17,
        attrs: { autocapitalize: 'characters', spellcheck: 'false' },
      });
    default:
      return textField({ ...common, autocomplete: auto, maxLength: field.constraints.maxLength });
  }
}

/**
 * @param {any} step  the step as the API sent it
 * @param {import('./renderer.js').StepContext} ctx
 * @param {{controls?: Record<string, ControlFactory | null>, submitLabel?: string,
 *          before?: Node[], after?: Node[], fields?: Field[], groupLabels?: Record<string, string>}} [options]
 *   controls: a field's own control (null leaves the field out); before/after: content around the
 *   fields; fields: the step's fields rearranged; groupLabels: legends of the field groups
 */
export function fieldForm(
  step,
  ctx,
  {
    controls = {},
    submitLabel = t('form.continue'),
    before = [],
    after = [],
    fields,
    groupLabels = {},
  } = {},
) {
  const rules = step.validationRules ?? {};
  const shown = (fields ?? step.fields).filter(
    (/** @type {Field} */ f) => controls[f.name] !== null,
  );
  const labels = Object.fromEntries(step.fields.map((/** @type {Field} */ f) => [f.name, f.label]));
  const labelOf = (/** @type {string} */ name) => labels[name] ?? humanize(name);
  /** @type {Map<string, Control>} */
  const byName = new Map();
  for (const field of shown) {
    const rule = rules.fields?.[field.name] ?? field.constraints;
    const common = {
      name: field.name,
      label: field.label,
      required: field.required,
      value: step.values?.[field.name],
      // One of several alternatives is not optional, though none of them is required alone.
      optional: !field.required && !rule.requiredUnless?.length,
      hint: hintFor(rule, labelOf),
    };
    const made = (controls[field.name] ?? defaultControl)(field, common);
    if (!made) continue;
    if (isWide(field)) made.element.classList.add('wide');
    byName.set(field.name, made);
  }
  const touched = new Set();
  const read = () => Object.fromEntries([...byName].map(([name, c]) => [name, c.read()]));
  const show = (
    /** @type {import('./validation.js').FieldError[]} */ errors,
    /** @type {Iterable<string>} */ names,
  ) => {
    for (const name of names)
      byName.get(name)?.setError(errors.find((e) => e.field === name)?.message ?? '');
  };
  // A press on the submit button blurs the field being edited; showing that field's hint then
  // would move the button away from under the pointer and lose the click. Submit checks all.
  let pressingSubmit = false;
  const recheck = (/** @type {Event} */ event) => {
    if (pressingSubmit) return;
    const name = /** @type {HTMLElement} */ (event.target)
      .closest('[data-field]')
      ?.getAttribute('data-field');
    if (!name || !byName.has(name)) return;
    if (event.type === 'input' && !byName.get(name)?.element.querySelector('.error:not(:empty)'))
      return;
    touched.add(name);
    show(checkAll(rules, read(), [...touched]), touched);
  };
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onchange: recheck,
      oninput: recheck,
      onsubmit: submit,
      onpointerdown: (/** @type {Event} */ event) => {
        pressingSubmit = Boolean(
          /** @type {HTMLElement} */ (event.target).closest('[type="submit"]'),
        );
      },
    },
    before,
    layout(shown, byName, { ...GROUP_LABELS(), ...groupLabels }),
    after,
    actions(button(submitLabel, { type: 'submit', attrs: { 'data-submit': true } })),
  );

  /** @param {Event} event */
  function submit(event) {
    event.preventDefault();
    pressingSubmit = false;
    const values = read();
    const errors = checkAll(rules, values, [...byName.keys()]);
    show(errors, byName.keys());
    if (errors.length) {
      byName.get(errors[0].field)?.focus();
      ctx.announce(plural('form.fields_need_attention', errors.length));
      return;
    }
    ctx.submit(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)));
  }

  return {
    element: form,
    /** Shows the server's errors at their fields; returns those it could not place. */
    showErrors(/** @type {import('./validation.js').FieldError[]} */ errors) {
      show(errors, byName.keys());
      const placed = errors.find((e) => byName.has(e.field));
      if (placed) byName.get(placed.field)?.focus();
      return errors.filter((e) => !byName.has(e.field));
    },
  };
}

/** @param {Field} field */
const isWide = (field) =>
  ['text', 'multi_enum'].includes(field.type) ||
  (field.type === 'boolean' && !field.options?.length) ||
  (field.type === 'enum' && (field.options?.length ?? 0) <= 5 && (field.options?.length ?? 0) > 2);

/**
 * Fields in order, consecutive ones of one `group` in a titled fieldset.
 * @param {Field[]} fields @param {Map<string, Control>} byName @param {Record<string, string>} legends
 */
function layout(fields, byName, legends) {
  /** @type {{name: string | null, elements: HTMLElement[]}[]} */
  const segments = [];
  for (const field of fields) {
    const element = byName.get(field.name)?.element;
    if (!element) continue;
    const last = segments.at(-1);
    if (field.group && last?.name === field.group) last.elements.push(element);
    else segments.push({ name: field.group ?? null, elements: [element] });
  }
  return grid(
    ...segments.map(({ name, elements }) => {
      if (!name) return elements;
      const fieldset = group(legends[name] ?? humanize(name), ...elements);
      fieldset.classList.add('wide');
      return fieldset;
    }),
  );
}
