/** What the visitor is confirming or has sent (a step's `summary`), and a credit outcome. */
import { h, humanize, money, number } from '../ui/dom.js';
import { card, specs } from '../ui/card.js';

const HIDDEN = new Set(['id', 'dealer_id', 'vehicle_id', 'kind', 'financing']);

/** @param {string} key @param {any} value @returns {string | null} */
function shown(key, value) {
  if (value == null || value === '' || typeof value === 'object') return null;
  if (typeof value === 'number') {
    if (/price|amount|budget|offer/.test(key)) return money(value);
    return key === 'year' ? String(value) : number(value);
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  // Enumerated values ("good", "dealer_sale") read better humanized; names and addresses do not.
  return /^[a-z_]+$/.test(value) ? humanize(value) : String(value);
}

/** @param {any} vehicle */
const vehicleLine = (vehicle) =>
  [vehicle.year, vehicle.make, vehicle.model].filter(Boolean).join(' ') || vehicle.vin;

/** @param {Record<string, any> | null | undefined} summary @param {string} [title] */
export function summaryCard(summary, title = 'Summary') {
  if (!summary || !Object.keys(summary).length) return null;
  /** @type {[string, any][]} */
  const rows = [];
  for (const [key, value] of Object.entries(summary)) {
    if (HIDDEN.has(key)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('make' in value || 'vin' in value) rows.push([humanize(key), vehicleLine(value)]);
      for (const [inner, innerValue] of Object.entries(value)) {
        if (/price|mileage|condition/.test(inner))
          rows.push([humanize(inner), shown(inner, innerValue)]);
      }
    } else {
      rows.push([humanize(key), shown(key, value)]);
    }
  }
  return rows.length ? card({ title, surface: true }, specs(rows)) : null;
}

const CREDIT = {
  approved: 'Financing approved',
  declined: 'Financing declined',
  referred: 'Referred for a manual review',
  unavailable: 'The credit check is unavailable right now; the dealer will follow up',
};

/** @param {{status: string, amount?: number | null, apr?: number | null, reason?: string | null} | null} credit */
export function creditCard(credit) {
  if (!credit) return null;
  const terms =
    credit.amount != null
      ? `Up to ${money(credit.amount)}${credit.apr != null ? ` at ${credit.apr}% APR` : ''}.`
      : null;
  return card(
    { title: 'Credit check', surface: true, attrs: { 'data-credit': credit.status } },
    h(
      'p',
      { class: 'strong' },
      /** @type {Record<string, string>} */ (CREDIT)[credit.status] ?? humanize(credit.status),
    ),
    terms ? h('p', null, terms) : null,
    credit.reason ? h('p', { class: 'muted' }, credit.reason) : null,
  );
}

const CHANNEL_WORDS = { email: 'by email', sms: 'by text message' };

/**
 * The buyer's financing invitation as sent (summary.financing {channel, sent_to, status}):
 * "Invitation sent by email to j•••@example.com".
 * @param {{channel?: string, sent_to?: string, status?: string} | null | undefined} financing
 */
export function invitationCard(financing) {
  if (!financing || typeof financing !== 'object') return null;
  const how = /** @type {Record<string, string>} */ (CHANNEL_WORDS)[financing.channel ?? ''] ?? '';
  const line = ['Invitation sent', how, financing.sent_to ? `to ${financing.sent_to}` : '']
    .filter(Boolean)
    .join(' ');
  return card(
    { title: "Your buyer's financing", surface: true, attrs: { 'data-financing': financing.status ?? '' } },
    h('p', { class: 'strong' }, `${line}.`),
    h('p', { class: 'muted' }, 'Your buyer applies privately; you see only what they choose to share.'),
  );
}
