/**
 * FinancingIntro: what the buyer's invitation is (who invited them, the car and the agreed
 * price, what a soft check is and how long it takes), then "Start my application".
 */
import { h, money } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { card, specs } from '../ui/card.js';
import { actions } from '../ui/layout.js';

/** "about 20 seconds", "about 2 minutes". @param {number} seconds */
export function inWords(seconds) {
  if (seconds < 60) return `about ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** @param {Record<string, any> | null | undefined} vehicle */
export const carLine = (vehicle) =>
  vehicle ? [vehicle.year, vehicle.make, vehicle.model].filter(Boolean).join(' ') : '';

/** @type {import('../renderer.js').Component} */
export function financingIntro(step, ctx) {
  const [field] = step.fields;
  const car = carLine(step.vehicleSummary);
  return h(
    'div',
    { class: 'stack' },
    h(
      'p',
      null,
      `The seller you are buying from on ${step.siteName || 'our site'} invited you to apply for financing.`,
    ),
    card(
      { surface: true, title: 'The car' },
      specs([
        ['Car', car || null],
        ['Agreed price', step.agreedPrice != null ? money(step.agreedPrice) : null],
      ]),
    ),
    h('p', null, step.softCheck),
    h('p', { class: 'muted' }, `It takes ${inWords(step.checkSeconds)}.`),
    step.privacyUrl
      ? h(
          'p',
          { class: 'muted' },
          h('a', { href: step.privacyUrl, target: '_blank', rel: 'noopener' }, 'Privacy notice'),
        )
      : null,
    actions(
      button(field?.label ?? 'Start my application', {
        attrs: { 'data-submit': true },
        onClick: () => ctx.submit({ [field?.name ?? 'continue']: true }),
      }),
    ),
  );
}
