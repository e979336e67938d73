/** Banners: an error (role=alert) with an optional action, or an informational notice. */
import { h } from './dom.js';
import { button } from './button.js';

/**
 * @param {string} message
 * @param {{label: string, onClick: () => void}} [action]
 * @param {string[]} [details]
 */
export function errorBanner(message, action, details = []) {
  return h(
    'div',
    { class: 'banner error', role: 'alert' },
    h(
      'div',
      null,
      h('p', null, message),
      details.length
        ? h(
            'ul',
            null,
            details.map((d) => h('li', null, d)),
          )
        : null,
    ),
    action ? button(action.label, { variant: 'secondary', onClick: action.onClick }) : null,
  );
}

/** @param {string} message */
export const notice = (message) =>
  h('div', { class: 'banner info', role: 'status' }, h('p', null, message));
