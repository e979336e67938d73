/**
 * Completion: the lead reference, what was sent, what happens next, and a live timeline of the
 * lead (scored, dealer assigned, contacted) fed by the session's pushed LEAD_STATUS events.
 */
import { clockTime, h, humanize, uid } from '../ui/dom.js';
import { card } from '../ui/card.js';
import { summaryCard } from './summary.js';

// The lead's way after submission; scoring, routing and contact run in parallel.
const STAGES = [
  ['RECEIVED', 'Request received'],
  ['SUBMITTED', 'Registered with our dealer system'],
  ['SCORED', 'Reviewed'],
  ['DEALER_ASSIGNED', 'Dealer assigned'],
  ['CONTACTED', 'Confirmation sent'],
  ['COMPLETED', 'All done'],
];
const LABELS = Object.fromEntries([...STAGES, ['REJECTED', 'Not accepted']]);

/** A short line from an event's detail. @param {string} status @param {Record<string, any>} detail */
function detailText(status, detail = {}) {
  if (status === 'SCORED' && detail.score != null) return `Score ${detail.score} of 100`;
  if (status === 'DEALER_ASSIGNED' && detail.dealers?.length > 1)
    return `${detail.dealers.length} dealers`;
  if (status === 'CONTACTED' && detail.channel)
    return `By ${detail.channel === 'sms' ? 'text message' : detail.channel}`;
  if (status === 'REJECTED') return detail.reason ?? '';
  return '';
}

/**
 * One lead's stages. @param {any[]} events this lead's events, oldest first
 * @param {{leadStatus?: string, completed?: boolean}} known what the step itself says
 */
function timeline(events, known) {
  const byStatus = new Map(events.map((e) => [e.status, e]));
  const rows = STAGES.map(([status, label]) => {
    const event = byStatus.get(status);
    const done =
      Boolean(event) ||
      status === 'RECEIVED' ||
      status === known.leadStatus ||
      (status === 'COMPLETED' && known.completed);
    return row(done ? 'done' : 'waiting', label, event);
  });
  const rejected = byStatus.get('REJECTED');
  if (rejected) rows.push(row('failed', LABELS.REJECTED, rejected));
  return h('ol', { class: 'timeline' }, rows);
}

/** @param {'done' | 'waiting' | 'failed'} state @param {string} label @param {any} [event] */
function row(state, label, event) {
  const mark = { done: '✓', waiting: '', failed: '✕' }[state];
  const spoken = { done: 'done', waiting: 'waiting', failed: 'failed' }[state];
  const detail = event ? detailText(event.status, event.detail) : '';
  return h(
    'li',
    { class: state, 'data-status': event?.status ?? null },
    h('span', { class: 'dot', 'aria-hidden': 'true' }, mark),
    h(
      'span',
      null,
      label,
      detail ? h('span', { class: 'muted' }, ` · ${detail}`) : null,
      h('span', { class: 'sr-only' }, ` (${spoken})`),
    ),
    event ? h('time', { datetime: event.at }, clockTime(event.at)) : h('span'),
  );
}

/** @type {import('../renderer.js').Component} */
export function completion(step, ctx) {
  const headingId = uid('timeline');
  const known = { leadStatus: step.leadStatus, completed: step.session.status === 'COMPLETED' };
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
        return h(
          'div',
          { 'data-lead-id': leadId },
          reference ? h('p', { class: 'muted' }, `Lead ${reference}`) : null,
          timeline(own, leadId === step.leadId ? known : {}),
        );
      }),
    );
  };
  ctx.provider.addEventListener(
    'lead',
    (event) => {
      const lead = /** @type {CustomEvent} */ (event).detail.event;
      render();
      const detail = detailText(lead.status, lead.detail);
      const text = `${lead.leadReference}: ${LABELS[lead.status] ?? humanize(lead.status)}${detail ? `, ${detail}` : ''}`;
      ctx.announce(text.endsWith('.') ? text : `${text}.`);
    },
    { signal: ctx.signal },
  );
  render();

  return h(
    'div',
    { class: 'stack' },
    card(
      { surface: true },
      h('p', null, 'Your reference'),
      h('p', { class: 'reference', 'data-lead-reference': step.leadReference }, step.leadReference),
      step.linkedLeadReferences?.length
        ? h('p', { class: 'muted' }, `Also sent: ${step.linkedLeadReferences.join(', ')}`)
        : null,
    ),
    h(
      'section',
      { class: 'stack snug', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, 'Progress'),
      timelines,
    ),
    step.nextSteps?.length
      ? h(
          'section',
          { class: 'stack snug' },
          h('h3', null, 'What happens next'),
          h(
            'ul',
            { class: 'reasons' },
            step.nextSteps.map((/** @type {string} */ text) => h('li', null, text)),
          ),
        )
      : null,
    summaryCard(step.summary, 'What you sent'),
  );
}
