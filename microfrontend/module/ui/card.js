/** Cards: a bordered box with an optional heading. */
import { h } from './dom.js';

/**
 * @param {{title?: string, surface?: boolean, tag?: string, attrs?: Record<string, any>}} options
 * @param {...import('./dom.js').Child} children
 */
export function card({ title, surface = false, tag = 'article', attrs } = {}, ...children) {
  return h(
    tag,
    { class: surface ? 'card surface' : 'card', ...attrs },
    title ? h('h3', null, title) : null,
    ...children,
  );
}

/** A definition list of label → value, skipping empty values. @param {[string, any][]} rows */
export function specs(rows) {
  return h(
    'dl',
    { class: 'specs' },
    rows
      .filter(([, value]) => value != null && value !== '')
      .map(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
  );
}
