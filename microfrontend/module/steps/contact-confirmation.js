/**
 * ContactConfirmation: what is being sent (and the buyer's financing invitation, or the credit
 * outcome), a "Change" for each earlier part the visitor can still go back to (back with
 * `toStep`: the answers stay, only what no longer applies is asked again), then the contact
 * form.
 */
import { fieldForm } from '../form.js';
import { button } from '../ui/button.js';
import { h } from '../ui/dom.js';
import { creditCard, invitationCard, summaryCard } from './summary.js';
import { t } from '../i18n.js';

/**
 * The summary's Change links, one per section the server says can be changed.
 * @param {any[] | undefined} sections @param {import('../renderer.js').StepContext} ctx
 */
function changeLinks(sections, ctx) {
  const open = (sections ?? []).filter((section) => section.canChange);
  if (!open.length) return null;
  return h(
    'ul',
    { class: 'changes', 'aria-label': t('change.label') },
    open.map((section) =>
      h(
        'li',
        { 'data-change': section.stepId },
        button(t('change.button', { title: section.title }), {
          variant: 'secondary',
          onClick: () => ctx.back(section.stepId),
        }),
      ),
    ),
  );
}

/** @type {import('../renderer.js').Component} */
export function contactConfirmation(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: t('contact.submit'),
    before: [
      invitationCard(step.summary?.financing) ?? creditCard(step.credit),
      summaryCard(step.summary, t('contact.sending')),
      changeLinks(step.sections, ctx),
    ].filter((n) => n !== null),
  });
}
