/** Layout pieces: vertical stacks, action rows, two-column grids, field groups. */
import { h } from './dom.js';

/** @param {...import('./dom.js').Child} children */
export const stack = (...children) => h('div', { class: 'stack' }, ...children);

/** A row of actions, the primary one last (first on a phone, where the row stacks). */
export const actions = (/** @type {import('./dom.js').Child[]} */ ...buttons) =>
  h('div', { class: 'actions' }, ...buttons);

/** @param {...import('./dom.js').Child} children */
export const grid = (...children) => h('div', { class: 'grid' }, ...children);

/** A titled group of fields (a fieldset with its legend). */
export const group = (/** @type {string} */ legend, /** @type {Node[]} */ ...children) =>
  h('fieldset', { class: 'group' }, h('legend', null, legend), grid(...children));
