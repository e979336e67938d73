/**
 * FinancingIntro: what the buyer's invitation is (who invited them, the car and the agreed
 * price, what a soft check is and how long it takes), then "Start my application".
 */
import { h, money } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { card, specs } from '../ui/card.js';
import { actions } from '../ui/layout.js';
import { plural, t } from '../i18n.js';

/** "about 20 seconds", "about 2 minutes". @param {number} seconds */
export function inWords(seconds) {
  if (seconds < 60) return plural('duration.seconds', seconds);
  return plural('duration.minutes', Math.round(seconds / 60));
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
      t('intro.invited', { site: step.siteName || t('intro.our_site') }),
    ),
    card(
      { surface: true, title: t('intro.the_car') },
      specs([
        [t('intro.car'), car || null],
        [t('intro.agreed_price'), step.agreedPrice != null ? money(step.agreedPrice) : null],
      ]),
    ),
    h('p', null, step.softCheck),
    h('p', { class: 'muted' }, t('intro.takes', { duration: inWords(step.checkSeconds) })),
    step.privacyUrl
      ? h(
          'p',
          { class: 'muted' },
          h('a', { href: step.privacyUrl, target: '_blank', rel: 'noopener' }, t('intro.privacy')),
        )
      : null,
    actions(
      button(field?.label ?? t('intro.start'), {
        attrs: { 'data-submit': true },
        onClick: () => ctx.submit({ [field?.name ?? 'continue']: true }),
      }),
    ),
  );
}
