/**
 * Banners: an error (role=alert) with an optional action and the request's reference (the
 * server's X-Request-Id, which support finds in the logs), or an informational notice.
 */
import { h } from './dom.js';
import { button } from './button.js';
import { t } from '../i18n.js';

/**
 * @param {string} message
 * @param {{label: string, onClick: () => void}} [action]
 * @param {string[]} [details]
 * @param {string | null} [reference]
 */
export function errorBanner(message, action, details = [], reference = null) {
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
      reference ? h('p', { class: 'reference' }, t('banner.reference', { reference })) : null,
    ),
    action ? button(action.label, { variant: 'secondary', onClick: action.onClick }) : null,
  );
}

/** @param {string} message */
export const notice = (message) =>
  h('div', { class: 'banner info', role: 'status' }, h('p', null, message));
