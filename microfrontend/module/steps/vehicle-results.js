/**
 * VehicleResults: the matches as cards (with CarIn match scores and reasons when present),
 * paging, a sort control, and a way back to the criteria. The criteria are chips, each removed
 * in one tap. Zero matches is a normal state: each way to widen the search is one button.
 * Sort and remove are offered where the step takes them (its `sort` and `remove` fields).
 */
import { h, money, number } from '../ui/dom.js';
import { button } from '../ui/button.js';
import { actions } from '../ui/layout.js';
import { card } from '../ui/card.js';
import { vehicleCard, vehicleName } from './vehicle-card.js';
import { plural, t } from '../i18n.js';

/** @param {number} total */
const matches = (total) =>
  total === 0 ? t('results.none') : plural('results.count', total, { count: number(total) });

/** The step's field `name`, when it takes it. @param {any} step @param {string} name */
const fieldOf = (step, name) => (step.fields ?? []).find((/** @type {any} */ f) => f.name === name);

/** The orders with words of their own (results.sort.<value>). */
const SORTS = new Set(['relevance', 'price', 'distance']);

/**
 * The criteria as chips: a removable one is a button that drops it.
 * @param {any} step @param {import('../renderer.js').StepContext} ctx
 */
function chips(step, ctx) {
  const removable = new Set(
    (fieldOf(step, 'remove')?.options ?? []).map((/** @type {any} */ o) => o.value),
  );
  const items = (step.chips ?? []).map((/** @type {any} */ chip) =>
    h(
      'li',
      null,
      chip.removable && removable.has(chip.field)
        ? button([chip.text, h('span', { 'aria-hidden': 'true' }, ' ×')], {
            variant: 'secondary',
            attrs: {
              class: 'btn secondary chip',
              'data-submit': true,
              'data-remove': chip.field,
              // The name starts with the visible label (WCAG 2.5.3), then says what it does.
              'aria-label': t('results.chip.remove', { text: chip.text }),
            },
            onClick: () => ctx.submit({ remove: chip.field }),
          })
        : h('span', { class: 'badge' }, chip.text),
    ),
  );
  return items.length
    ? h('ul', { class: 'row chips', 'aria-label': t('results.criteria') }, items)
    : null;
}

/**
 * The order of the results: one pressed button per order offered.
 * @param {any} step @param {import('../renderer.js').StepContext} ctx
 */
function sorting(step, ctx) {
  const field = fieldOf(step, 'sort');
  const offered = step.sorts ?? [];
  if (!field || offered.length < 2 || !step.vehicles.length) return null;
  const labels = Object.fromEntries(
    (field.options ?? []).map((/** @type {any} */ o) => [o.value, o.label]),
  );
  return h(
    'div',
    { class: 'row sort', role: 'group', 'aria-label': field.label || t('results.sort_by') },
    h(
      'span',
      { class: 'muted', 'aria-hidden': 'true' },
      t('results.sort_label', { label: field.label || t('results.sort_by') }),
    ),
    offered.map((/** @type {string} */ value) =>
      button(labels[value] ?? (SORTS.has(value) ? t(`results.sort.${value}`) : value), {
        variant: 'secondary',
        attrs: {
          'data-submit': value !== step.sort,
          'data-sort': value,
          'aria-pressed': value === step.sort ? 'true' : 'false',
        },
        onClick: () => {
          if (value !== step.sort) ctx.submit({ sort: value });
        },
      }),
    ),
  );
}

/** @type {import('../renderer.js').Component} */
export function vehicleResults(step, ctx) {
  const pages = Math.max(1, Math.ceil(step.total / step.pageSize));
  const refine = button(t('results.refine'), {
    variant: 'secondary',
    attrs: { 'data-submit': true },
    onClick: () => ctx.submit({ refine: true }),
  });
  return h(
    'div',
    { class: 'stack' },
    h('p', { role: 'status' }, matches(step.total)),
    chips(step, ctx),
    sorting(step, ctx),
    step.vehicles.length ? cards(step, ctx) : noMatches(step, ctx),
    pages > 1 ? paging(step, pages, ctx) : null,
    actions(refine),
  );
}

/** @param {any} step @param {import('../renderer.js').StepContext} ctx */
function cards(step, ctx) {
  return h(
    'ul',
    { class: 'cards', 'aria-label': t('results.vehicles') },
    step.vehicles.map((/** @type {any} */ vehicle) =>
      vehicleCard(
        vehicle,
        button(t('results.choose'), {
          attrs: {
            'data-submit': true,
            // The name starts with the visible label (WCAG 2.5.3), then says which vehicle.
            'aria-label': t('results.choose.label', {
              vehicle: vehicleName(vehicle),
              price: money(vehicle.price),
            }),
          },
          onClick: () => ctx.submit({ vehicle_id: vehicle.id }),
        }),
      ),
    ),
  );
}

/**
 * No match: each relaxation is a button that submits its answers, where the step takes them.
 * @param {any} step @param {import('../renderer.js').StepContext} ctx
 */
function noMatches(step, ctx) {
  const takes = (/** @type {any} */ r) =>
    Object.keys(r.answers ?? {}).length > 0 &&
    Object.keys(r.answers).every((name) => fieldOf(step, name));
  const offers = step.relaxations ?? [];
  return card(
    { surface: true, title: t('results.no_match') },
    offers.length
      ? [
          h('p', null, t('results.dropping')),
          offers.every(takes)
            ? h(
                'ul',
                { class: 'row chips', 'aria-label': t('results.widen') },
                offers.map((/** @type {any} */ r) =>
                  h(
                    'li',
                    null,
                    button(r.label, {
                      variant: 'secondary',
                      attrs: { 'data-submit': true, 'data-relax': r.field },
                      onClick: () => ctx.submit({ ...r.answers }),
                    }),
                  ),
                ),
              )
            : h(
                'ul',
                { class: 'reasons' },
                offers.map((/** @type {any} */ r) => h('li', null, r.label)),
              ),
        ]
      : h('p', null, t('results.try_wider')),
  );
}

/** @param {any} step @param {number} pages @param {import('../renderer.js').StepContext} ctx */
function paging(step, pages, ctx) {
  const go = (/** @type {number} */ page) => () => ctx.submit({ page });
  return h(
    'nav',
    { class: 'row pager', 'aria-label': t('results.pages') },
    step.page > 1
      ? button(t('results.previous'), {
          variant: 'secondary',
          attrs: { 'data-submit': true },
          onClick: go(step.page - 1),
        })
      : h('span'),
    h('span', { class: 'muted' }, t('results.page', { page: step.page, pages })),
    step.page < pages
      ? button(t('results.next'), {
          variant: 'secondary',
          attrs: { 'data-submit': true },
          onClick: go(step.page + 1),
        })
      : h('span'),
  );
}
