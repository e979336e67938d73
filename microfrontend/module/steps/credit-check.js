/**
 * CreditCheck: the applicant's details, with the SSN masked, the home address together (street,
 * unit, city, a select of states, ZIP); the check runs after submit.
 */
import { h } from '../ui/dom.js';
import { defaultControl, fieldForm } from '../form.js';
import { textField } from '../ui/fields.js';
import { t } from '../i18n.js';

const ADDRESS = new Set(['address_line', 'unit', 'city', 'state', 'zip']);
const AUTOCOMPLETE = { unit: 'address-line2', city: 'address-level2', state: 'address-level1' };

/** @type {import('../form.js').ControlFactory} */
const withAutocomplete = (field, common) => {
  const auto = /** @type {Record<string, string>} */ (AUTOCOMPLETE)[field.name];
  if (field.type === 'string' || field.type === 'text') {
    return textField({ ...common, autocomplete: auto, maxLength: field.constraints.maxLength });
  }
  const made = defaultControl(field, common);
  made?.element.querySelector('select')?.setAttribute('autocomplete', auto);
  return made;
};

/** @type {import('../renderer.js').Component} */
export function creditCheck(step, ctx) {
  const fields = step.fields.map((/** @type {any} */ f) =>
    ADDRESS.has(f.name) ? { ...f, group: f.group ?? 'home_address' } : f,
  );
  const names = new Set(fields.map((/** @type {any} */ f) => f.name));
  const controls = Object.fromEntries(
    Object.keys(AUTOCOMPLETE)
      .filter((name) => names.has(name))
      .map((name) => [name, withAutocomplete]),
  );
  return fieldForm(step, ctx, {
    submitLabel: t('creditcheck.submit'),
    fields,
    controls,
    groupLabels: { home_address: t('creditcheck.address') },
    before: [
      h('p', { class: 'muted' }, t('creditcheck.intro')),
    ],
  });
}
