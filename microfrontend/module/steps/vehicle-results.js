/**
 * VehicleResults: the matches as cards (with CarIn match scores and reasons when present),
 * paging, and a way back to the criteria. Zero matches is a normal state: it says which
 * criteria to drop and what that would give.
 */
import { h, humanize, money, number } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { actions } from '../ui/layout.js';
import { card } from '../ui/card.js';
import { vehicleCard, vehicleName } from './vehicle-card.js';

/** @param {string} key @param {any} value */
function criterion(key, value) {
  const shown = Array.isArray(value) ? value.map(humanize).join(', ')
    : /price|budget/.test(key) ? money(value)
      : typeof value === 'number' ? number(value) : humanize(String(value));
  return h('li', { class: 'badge' }, `${humanize(key)}: ${shown}`);
}

/** @type {import('../renderer.js').Component} */
export function vehicleResults(step, ctx) {
  const pages = Math.max(1, Math.ceil(step.total / step.pageSize));
  const refine = button('Change my criteria', {
    variant: 'secondary', attrs: { 'data-submit': true }, onClick: () => ctx.submit({ refine: true }),
  });
  const criteria = Object.entries(step.criteria ?? {}).filter(([, v]) => v != null && v !== '');
  return h('div', { class: 'stack' },
    h('p', { role: 'status' }, step.total === 1 ? 'One vehicle matches.' : `${number(step.total)} vehicles match.`),
    criteria.length ? h('ul', { class: 'row', style: 'list-style: none; padding: 0; margin: 0', 'aria-label': 'Your criteria' },
      criteria.map(([key, value]) => criterion(key, value))) : null,
    step.vehicles.length ? cards(step, ctx) : noMatches(step),
    pages > 1 ? paging(step, pages, ctx) : null,
    actions(refine));
}

/** @param {any} step @param {import('../renderer.js').StepContext} ctx */
function cards(step, ctx) {
  return h('ul', { class: 'cards', 'aria-label': 'Vehicles' }, step.vehicles.map((/** @type {any} */ vehicle) =>
    vehicleCard(vehicle, button('Choose this vehicle', {
      attrs: { 'data-submit': true, 'aria-label': `Choose the ${vehicleName(vehicle)}, ${money(vehicle.price)}` },
      onClick: () => ctx.submit({ vehicle_id: vehicle.id }),
    }))));
}

/** @param {any} step */
function noMatches(step) {
  return card({ surface: true, title: 'No vehicles match all of your criteria' },
    step.relaxations?.length
      ? [h('p', null, 'Dropping one of them would give you:'),
        h('ul', { class: 'reasons' }, step.relaxations.map((/** @type {any} */ r) =>
          h('li', null, `${r.label}: ${r.matches === 1 ? 'one match' : `${number(r.matches)} matches`}`)))]
      : h('p', null, 'Try wider criteria.'));
}

/** @param {any} step @param {number} pages @param {import('../renderer.js').StepContext} ctx */
function paging(step, pages, ctx) {
  const go = (/** @type {number} */ page) => () => ctx.submit({ page });
  return h('nav', { class: 'row', 'aria-label': 'Result pages', style: 'justify-content: space-between' },
    step.page > 1 ? button('‹ Previous page', { variant: 'secondary', attrs: { 'data-submit': true }, onClick: go(step.page - 1) }) : h('span'),
    h('span', { class: 'muted' }, `Page ${step.page} of ${pages}`),
    step.page < pages ? button('Next page ›', { variant: 'secondary', attrs: { 'data-submit': true }, onClick: go(step.page + 1) }) : h('span'));
}
