/**
 * FinancingResult: the buyer's outcome in plain words (approved: the amount, the APR, a monthly
 * estimate per term and the disclaimer; declined: the notice they are owed; referred: what
 * happens next and by when; unavailable: nothing was checked, and Try again), then what the
 * seller may be told: an active choice, never preselected.
 */
import { h, money } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { card } from '../ui/card.js';
import { actions } from '../ui/layout.js';
import { fieldForm } from '../form.js';
import { radioField } from '../ui/fields.js';

/** @param {string} iso */
const longDate = (iso) =>
  new Date(iso).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric' });

/** @param {string} title @param {string[]} lines */
const list = (title, lines) =>
  lines?.length
    ? h(
        'div',
        { class: 'stack snug' },
        h('h4', null, title),
        h(
          'ul',
          { class: 'reasons' },
          lines.map((line) => h('li', null, line)),
        ),
      )
    : null;

/** @param {any} step */
function approved(step) {
  const rows = step.termOptions.map((/** @type {any} */ t) =>
    h('tr', null, h('td', null, `${t.months} months`), h('td', null, money(t.monthlyPayment))),
  );
  return [
    h(
      'p',
      { class: 'strong' },
      `Up to ${money(step.amount)}${step.apr != null ? ` at ${step.apr}% APR` : ''}.`,
    ),
    rows.length
      ? h(
          'table',
          { class: 'terms' },
          h('caption', { class: 'sr-only' }, 'Estimated monthly payment by term'),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, 'Term'), h('th', { scope: 'col' }, 'Monthly payment')),
          ),
          h('tbody', null, rows),
        )
      : null,
    step.disclaimer ? h('p', { class: 'muted small' }, step.disclaimer) : null,
  ];
}

/** @param {any} step */
function declined(step) {
  const notice = step.notice;
  if (!notice) return [];
  return [
    h(
      'p',
      null,
      'We are sorry: this time we could not prequalify you. This does not affect your credit score.',
    ),
    notice.reason ? h('p', null, `The main reason: ${notice.reason}`) : null,
    h(
      'p',
      { 'data-bureau': true },
      `We used a report from ${notice.bureauName}. You can reach them at ${notice.bureauContact}. They did not make this decision and cannot tell you why it was made.`,
    ),
    list('Your rights', notice.rights),
    list('What you can do', notice.alternatives),
  ];
}

/** @param {any} step */
function referred(step) {
  return [
    step.byWhen
      ? h('p', { class: 'strong' }, `You will hear from us by ${longDate(step.byWhen)}.`)
      : h('p', { class: 'strong' }, 'A lender is reviewing your application by hand.'),
    list('What happens next', step.nextSteps),
  ];
}

/** @param {any} step @param {import('../renderer.js').StepContext} ctx */
function unavailable(step, ctx) {
  return [
    h('p', null, 'We could not reach the credit bureau, so nothing was checked.'),
    step.canRetry
      ? actions(
          button('Try again', {
            variant: 'secondary',
            attrs: { 'data-submit': true },
            onClick: () => ctx.submit({ retry: true }),
          }),
        )
      : null,
  ];
}

const OUTCOMES = { approved, declined, referred, unavailable };

/** @type {import('../renderer.js').Component} */
export function financingResult(step, ctx) {
  const show = /** @type {Record<string, (s: any, c: any) => any[]>} */ (OUTCOMES)[step.outcome];
  const [said, ...details] = show ? show(step, ctx) : [];
  // What a push announces ([data-outcome]): the headline and its first line; the rest is read.
  const outcome = card(
    { surface: true, attrs: { 'data-result': step.outcome } },
    h('div', { 'data-outcome': step.outcome }, h('h3', null, step.headline), said ?? null),
    ...details,
    step.outcome !== 'referred' ? list('What happens next', step.nextSteps) : null,
  );
  // The share choice alone: a plain required choice here (Try again is its own button).
  const rules = step.validationRules ?? {};
  const share = rules.fields?.share_with_seller ?? {};
  const shareStep = {
    ...step,
    fields: step.fields.filter((/** @type {any} */ f) => f.name === 'share_with_seller'),
    values: {},
    validationRules: {
      ...rules,
      fields: { share_with_seller: { ...share, required: true, requiredUnless: [] } },
    },
  };
  const form = fieldForm(shareStep, ctx, {
    submitLabel: 'Continue',
    before: [
      h(
        'p',
        { class: 'muted' },
        'The seller never sees your answers or your result unless you say so here.',
      ),
    ],
    controls: {
      share_with_seller: (field, common) =>
        radioChoice(field, { ...common, required: true, optional: false, value: undefined }),
    },
  });
  return {
    element: h('div', { class: 'stack' }, outcome, form.element),
    showErrors: form.showErrors,
  };
}

/** @type {import('../form.js').ControlFactory} */
const radioChoice = (field, common) => radioField({ ...common, options: field.options ?? [] });
