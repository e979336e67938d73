/**
 * Completion: the lead reference, what was sent, what happens next, and a live timeline of the
 * lead in the visitor's words (who has the request, how we confirmed it, who will contact them
 * by when), in the order it happened, fed by the session's pushed LEAD_STATUS events. The server
 * writes each event's `message`; an event without one (a score) is not the visitor's to see.
 */
import { h, uid } from '../ui/dom.js';
import { card } from '../ui/card.js';
import { summaryCard } from './summary.js';
import { locale, t } from '../i18n.js';

/** @param {string} iso */
const shortTime = (iso) =>
  new Date(iso).toLocaleTimeString(locale(), { hour: 'numeric', minute: '2-digit' });

/**
 * One lead's timeline: received, then each told event in time order, then (until the last
 * state is known) what we are waiting for.
 * @param {any[]} events this lead's events
 * @param {boolean} finished whether its last state arrived
 */
function timeline(events, finished) {
  const told = events
    .filter((e) => e.message)
    .sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? -1 : 1));
  const rows = [row('done', t('completion.received'), null)];
  for (const event of told) {
    rows.push(row(event.status === 'REJECTED' ? 'failed' : 'done', event.message, event));
  }
  if (!finished) rows.push(row('waiting', t('completion.next_review'), null));
  return h('ol', { class: 'timeline' }, rows);
}

/** @param {'done' | 'waiting' | 'failed'} state @param {string} text @param {any} event */
function row(state, text, event) {
  const mark = { done: '✓', waiting: '', failed: '✕' }[state];
  return h(
    'li',
    { class: state, 'data-status': event?.status ?? null },
    h('span', { class: 'dot', 'aria-hidden': 'true' }, mark),
    h('span', null, text),
    event ? h('time', { datetime: event.at }, shortTime(event.at)) : h('span'),
  );
}

/**
 * What happens next, when the step says. @param {string[] | undefined} lines
 */
export function nextStepsSection(lines) {
  if (!lines?.length) return null;
  return h(
    'section',
    { class: 'stack snug' },
    h('h3', null, t('completion.what_next')),
    h('ul', { class: 'reasons' }, lines.map((text) => h('li', null, text))),
  );
}

/** @type {import('../renderer.js').Component} */
export function completion(step, ctx) {
  const headingId = uid('timeline');
  const completed = step.session.status === 'COMPLETED';
  const timelines = h('div', { class: 'stack' });
  const render = () => {
    const events = ctx.provider.leadEvents;
    const leadIds = [
      step.leadId,
      ...new Set(events.map((e) => e.leadId).filter((id) => id !== step.leadId)),
    ];
    timelines.replaceChildren(
      ...leadIds.map((leadId) => {
        const own = events.filter((e) => e.leadId === leadId);
        const reference = leadId === step.leadId ? null : own[0]?.leadReference;
        const finished = own.some((e) => ['COMPLETED', 'REJECTED'].includes(e.status));
        return h(
          'div',
          { 'data-lead-id': leadId },
          reference ? h('p', { class: 'muted' }, t('completion.request', { reference })) : null,
          timeline(own, finished || (leadId === step.leadId && completed)),
        );
      }),
    );
  };
  ctx.provider.addEventListener(
    'lead',
    (event) => {
      const lead = /** @type {CustomEvent} */ (event).detail.event;
      render();
      if (lead.message) ctx.announce(lead.message);
    },
    { signal: ctx.signal },
  );
  render();

  return h(
    'div',
    { class: 'stack' },
    card(
      { surface: true },
      h('p', null, t('completion.your_reference')),
      h('p', { class: 'reference', 'data-lead-reference': step.leadReference }, step.leadReference),
      step.linkedLeadReferences?.length
        ? h(
            'p',
            { class: 'muted' },
            t('completion.also_sent', { references: step.linkedLeadReferences.join(', ') }),
          )
        : null,
    ),
    h(
      'section',
      { class: 'stack snug', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t('completion.progress')),
      timelines,
    ),
    nextStepsSection(step.nextSteps),
    summaryCard(step.summary, t('completion.what_you_sent')),
  );
}
