/** IntentSelection: buying or selling, as two large option buttons with a line about each. */
import { optionButtons } from './choice.js';
import { genericForm } from './generic-form.js';
import { t } from '../i18n.js';

/** A line under each option, by value (intent.<value>). */
const DESCRIBED = ['buying', 'selling'];

/** @type {import('../renderer.js').Component} */
export function intentSelection(step, ctx) {
  if (step.fields.length !== 1 || !step.fields[0].options?.length) return genericForm(step, ctx);
  return optionButtons(
    step,
    ctx,
    Object.fromEntries(DESCRIBED.map((value) => [value, t(`intent.${value}`)])),
  );
}
