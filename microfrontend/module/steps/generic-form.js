/** Any step as a plain form from its `fields` (the fallback for components the element lacks). */
import { fieldForm } from '../form.js';
import { button } from '../ui/button.js';
import { actions } from '../ui/layout.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function genericForm(step, ctx) {
  if (step.fields.length) return fieldForm(step, ctx);
  // No input: only a step that says where it goes next can be moved on from here.
  return step.navigation.nextStepId
    ? actions(button(t('form.continue'), { attrs: { 'data-submit': true }, onClick: () => ctx.submit({}) }))
    : document.createDocumentFragment();
}
