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

/** @param {number} total */
const matches = (total) =>
  total === 0
    ? 'No vehicles match.'
    : total === 1
      ? 'One vehicle matches.'
      : `${number(total)} vehicles match.`;

/** @param {string} key @param {any} value */
function shown(key, value) {
  if (Array.isArray(value)) return value.map(humanize).join(', ');
  if (/price|budget/.test(key)) return money(value);
  if (typeof value === 'number') return key.includes('year') ? String(value) : number(value);
  return /^[a-z_]+$/.test(value) ? humanize(value) : String(value);
}

/** @param {string} key @param {any} value */
const criterion = (key, value) =>
  h('li', { class: 'badge' }, `${humanize(key)}: ${shown(key, value)}`);

/** @type {import('../renderer.js').Component} */
export function vehicleResults(step, ctx) {
  const pages = Math.max(1, Math.ceil(step.total / step.pageSize));
  const refine = button('Change my criteria', {
    variant: 'secondary',
    attrs: { 'data-submit': true },
    onClick: () => ctx.submit({ refine: true }),
  });
  const criteria = Object.entries(step.criteria ?? {}).filter(([, v]) => v != null && v !== '');
  return h(
    'div',
    { class: 'stack' },
    h('p', { role: 'status' }, matches(step.total)),
    criteria.length
      ? h(
          'ul',
          { class: 'row chips', 'aria-label': 'Your criteria' },
          criteria.map(([key, value]) => criterion(key, value)),
        )
      : null,
    step.vehicles.length ? cards(step, ctx) : noMatches(step),
    pages > 1 ? paging(step, pages, ctx) : null,
    actions(refine),
  );
}

/** @param {any} step @param {import('../renderer.js').StepContext} ctx */
function cards(step, ctx) {
  return h(
    'ul',
    { class: 'cards', 'aria-label': 'Vehicles' },
    step.vehicles.map((/** @type {any} */ vehicle) =>
      vehicleCard(
        vehicle,
        button('Choose this vehicle', {
          attrs: {
            'data-submit': true,
            // The name starts with the visible label (WCAG 2.5.3), then says which vehicle.
            'aria-label': `Choose this vehicle: ${vehicleName(vehicle)}, ${money(vehicle.price)}`,
          },
          onClick: () => ctx.submit({ vehicle_id: vehicle.id }),
        }),
      ),
    ),
  );
}

/** @param {any} step */
function noMatches(step) {
  return card(
    { surface: true, title: 'No vehicles match all of your criteria' },
    step.relaxations?.length
      ? [
          h('p', null, 'Dropping one of them would give you:'),
          h(
            'ul',
            { class: 'reasons' },
            step.relaxations.map((/** @type {any} */ r) => h('li', null, r.label)),
          ),
        ]
      : h('p', null, 'Try wider criteria.'),
  );
}

/** @param {any} step @param {number} pages @param {import('../renderer.js').StepContext} ctx */
function paging(step, pages, ctx) {
  const go = (/** @type {number} */ page) => () => ctx.submit({ page });
  return h(
    'nav',
    { class: 'row pager', 'aria-label': 'Result pages' },
    step.page > 1
      ? button('‹ Previous page', {
          variant: 'secondary',
          attrs: { 'data-submit': true },
          onClick: go(step.page - 1),
        })
      : h('span'),
    h('span', { class: 'muted' }, `Page ${step.page} of ${pages}`),
    step.page < pages
      ? button('Next page ›', {
          variant: 'secondary',
          attrs: { 'data-submit': true },
          onClick: go(step.page + 1),
        })
      : h('span'),
  );
}
