/** IntentSelection: buying or selling, as two large option buttons with a line about each. */
import { optionButtons } from './choice.js';
import { genericForm } from './generic-form.js';

const DESCRIPTIONS = {
  buying: 'Search our dealers’ stock, or let CarIn match a car to your needs.',
  selling: 'Sell to a buyer you found, to a dealer, or to our dealer network.',
};

/** @type {import('../renderer.js').Component} */
export function intentSelection(step, ctx) {
  if (step.fields.length !== 1 || !step.fields[0].options?.length) return genericForm(step, ctx);
  return optionButtons(step, ctx, DESCRIPTIONS);
}
