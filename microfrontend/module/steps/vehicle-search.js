/**
 * VehicleSearch: the search form; the model options follow the chosen make, and the optional
 * single choices can be left open ("Any model", "Any body type"; fuel has its own "any").
 */
import { fieldForm } from '../form.js';
import { selectField, setOptions } from '../ui/fields.js';
import { t } from '../i18n.js';

/** @param {string[]} names */
const asOptions = (names) => names.map((name) => ({ value: name, label: name }));

/** @type {import('../renderer.js').Component} */
export function vehicleSearch(step, ctx) {
  const modelsOf = (/** @type {string | undefined} */ make) =>
    asOptions((make && step.modelsByMake?.[make]) || []);
  /** @type {HTMLSelectElement | null} */
  let models = null;
  /** @type {HTMLSelectElement | null} */
  let makes = null;
  const followMake = () => {
    if (!models || !makes) return;
    setOptions(
      models,
      modelsOf(makes.value),
      models.value,
      t(makes.value ? 'search.any_model' : 'search.make_first'),
    );
    models.disabled = !makes.value;
  };
  const form = fieldForm(step, ctx, {
    submitLabel: t('search.submit'),
    controls: {
      make: (field, common) => {
        const control = selectField({
          ...common,
          options: asOptions(step.makes ?? []),
          onchange: followMake,
        });
        makes = /** @type {HTMLSelectElement} */ (control.inputs[0]);
        return control;
      },
      model: (field, common) => {
        const control = selectField({
          ...common,
          options: modelsOf(step.values?.make),
          placeholder: t('search.any_model'),
        });
        models = /** @type {HTMLSelectElement} */ (control.inputs[0]);
        return control;
      },
      body_type: (field, common) =>
        selectField({ ...common, options: field.options ?? [], placeholder: t('search.any_body') }),
    },
  });
  followMake();
  return form;
}
