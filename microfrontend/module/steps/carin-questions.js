/** CarInQuestions: the CarIn questionnaire; CarIn ranks the stock by the answers. */
import { h } from '../ui/dom.js';
import { fieldForm } from '../form.js';
import { t } from '../i18n.js';

/** @type {import('../renderer.js').Component} */
export function carInQuestions(step, ctx) {
  return fieldForm(step, ctx, {
    submitLabel: t('carin.submit'),
    before: [
      h('p', { class: 'muted' }, t('carin.intro')),
    ],
  });
}
