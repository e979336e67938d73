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
import { locale, t } from '../i18n.js';

/** @param {string} iso */
const longDate = (iso) =>
  new Date(iso).toLocaleDateString(locale(), { weekday: 'long', month: 'long', day: 'numeric' });

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
  const rows = step.termOptions.map((/** @type {any} */ term) =>
    h('tr', null, h('td', null, t('result.months', { months: term.months })), h('td', null, money(term.monthlyPayment))),
  );
  return [
    h(
      'p',
      { class: 'strong' },
      step.apr != null
        ? t('result.up_to_apr', { amount: money(step.amount), apr: step.apr })
        : t('result.up_to', { amount: money(step.amount) }),
    ),
    rows.length
      ? h(
          'table',
          { class: 'terms' },
          h('caption', { class: 'sr-only' }, t('result.caption')),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, t('result.term')),
              h('th', { scope: 'col' }, t('result.monthly')),
            ),
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
    h('p', null, t('result.sorry')),
    notice.reason ? h('p', null, t('result.reason', { reason: notice.reason })) : null,
    h(
      'p',
      { 'data-bureau': true },
      t('result.bureau', { bureau: notice.bureauName, contact: notice.bureauContact }),
    ),
    list(t('result.rights'), notice.rights),
    list(t('result.what_you_can_do'), notice.alternatives),
  ];
}

/** @param {any} step */
function referred(step) {
  return [
    step.byWhen
      ? h('p', { class: 'strong' }, t('result.by_when', { date: longDate(step.byWhen) }))
      : h('p', { class: 'strong' }, t('result.reviewing')),
    list(t('completion.what_next'), step.nextSteps),
  ];
}

/** @param {any} step @param {import('../renderer.js').StepContext} ctx */
function unavailable(step, ctx) {
  return [
    h('p', null, t('result.unreachable')),
    step.canRetry
      ? actions(
          button(t('action.try_again'), {
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
    step.outcome !== 'referred' ? list(t('completion.what_next'), step.nextSteps) : null,
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
      fields: {
        share_with_seller: {
          ...share,
          required: true,
          requiredUnless: [],
          // Left empty, it reads as the server's refusal of it: "Choose what the seller may know."
          messages: { ...share.messages, required: share.messages?.one_of_required },
        },
      },
    },
  };
  const form = fieldForm(shareStep, ctx, {
    submitLabel: t('form.continue'),
    before: [
      h('p', { class: 'muted' }, t('result.private')),
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
