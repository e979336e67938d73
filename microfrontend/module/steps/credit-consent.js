/** CreditConsent: the consent text and its version; agreeing and declining are both fine. */
import { h, uid } from '../ui/dom.js';
import { card } from '../ui/card.js';
import { optionButtons } from './choice.js';
import { genericForm } from './generic-form.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function creditConsent(step, ctx) {
  const [field] = step.fields;
  if (step.fields.length !== 1 || !field.options?.length) return genericForm(step, ctx);
  const questionId = uid('question');
  return h(
    'div',
    { class: 'stack' },
    card(
      { surface: true },
      h('p', null, step.consentText),
      h('p', { class: 'muted small' }, t('consent.version', { version: step.consentVersion })),
    ),
    h('p', { id: questionId, class: 'strong' }, field.label),
    optionButtons(step, ctx, {}, questionId),
  );
}
