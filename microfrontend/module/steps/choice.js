/**
 * Choice: one question answered by picking an option; each option is a large button that submits
 * at once. Anything else (several fields, free input) falls back to the generic form.
 */
import { h } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { genericForm } from './generic-form.js';
import { t } from '../i18n.js';

/**
 * The option buttons for a single field.
 * @param {any} step @param {import('../renderer.js').StepContext} ctx
 * @param {Record<string, string>} [descriptions]  a line under an option's label, by value
 * @param {string} [labelledBy]  the id of the question's text (the step heading by default)
 */
export function optionButtons(step, ctx, descriptions = {}, labelledBy = ctx.headingId) {
  const [field] = step.fields;
  const parse =
    field.type === 'boolean'
      ? (/** @type {string} */ v) => v === 'true'
      : (/** @type {string} */ v) => v;
  const previous = step.values?.[field.name];
  return h(
    'div',
    { class: 'choices', role: 'group', 'aria-labelledby': labelledBy },
    field.options.map((/** @type {{value: string, label: string}} */ option) => {
      const chosen = previous != null && String(previous) === option.value;
      const description = descriptions[option.value];
      const element = button(
        [
          h('span', { class: 'choice-label' }, option.label),
          description ? h('span', { class: 'choice-description' }, description) : null,
          chosen ? h('span', { class: 'sr-only' }, t('choice.previous')) : null,
        ],
        {
          variant: 'choice',
          attrs: { 'data-submit': true, 'data-value': option.value },
          onClick: () => ctx.submit({ [field.name]: parse(option.value) }),
        },
      );
      if (chosen) element.classList.add('chosen');
      return element;
    }),
  );
}

/** @type {import('../renderer.js').Component} */
export function choice(step, ctx) {
  const [field] = step.fields;
  if (step.fields.length !== 1 || !field.options?.length) return genericForm(step, ctx);
  return optionButtons(step, ctx);
}
