/** What the visitor is confirming or has sent (a step's `summary`), and a credit outcome. */
import { h, humanize, inWords, money, number } from '../ui/dom.js';
import { card, specs } from '../ui/card.js';
import { t } from '../i18n.js';

const HIDDEN = new Set(['id', 'dealer_id', 'vehicle_id', 'kind', 'financing']);

/** @param {string} key @param {any} value @returns {string | null} */
function shown(key, value) {
  if (value == null || value === '' || typeof value === 'object') return null;
  if (typeof value === 'number') {
    if (/price|amount|budget|offer/.test(key)) return money(value);
    return key === 'year' ? String(value) : number(value);
  }
  if (typeof value === 'boolean') return t(value ? 'summary.yes' : 'summary.no');
  // Enumerated values ("good", "dealer_sale") read better in words; names and addresses as given.
  return /^[a-z_]+$/.test(value) ? inWords('summary.value', value) : String(value);
}


/** @param {any} vehicle */
const vehicleLine = (vehicle) =>
  [vehicle.year, vehicle.make, vehicle.model].filter(Boolean).join(' ') || vehicle.vin;

/** @param {Record<string, any> | null | undefined} summary @param {string} [title] */
export function summaryCard(summary, title = t('summary.title')) {
  if (!summary || !Object.keys(summary).length) return null;
  /** @type {[string, any][]} */
  const rows = [];
  for (const [key, value] of Object.entries(summary)) {
    if (HIDDEN.has(key)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('make' in value || 'vin' in value)
        rows.push([inWords('summary.label', key), vehicleLine(value)]);
      for (const [inner, innerValue] of Object.entries(value)) {
        if (/price|mileage|condition/.test(inner))
          rows.push([inWords('summary.label', inner), shown(inner, innerValue)]);
      }
    } else {
      rows.push([inWords('summary.label', key), shown(key, value)]);
    }
  }
  return rows.length ? card({ title, surface: true }, specs(rows)) : null;
}

/** The credit outcomes with words of their own (credit.<status>). */
const CREDIT = new Set(['approved', 'declined', 'referred', 'unavailable']);

/** @param {{status: string, amount?: number | null, apr?: number | null, reason?: string | null} | null} credit */
export function creditCard(credit) {
  if (!credit) return null;
  const terms =
    credit.amount != null
      ? credit.apr != null
        ? t('credit.terms_apr', { amount: money(credit.amount), apr: credit.apr })
        : t('credit.terms', { amount: money(credit.amount) })
      : null;
  return card(
    { title: t('credit.title'), surface: true, attrs: { 'data-credit': credit.status } },
    h(
      'p',
      { class: 'strong' },
      CREDIT.has(credit.status) ? t(`credit.${credit.status}`) : humanize(credit.status),
    ),
    terms ? h('p', null, terms) : null,
    credit.reason ? h('p', { class: 'muted' }, credit.reason) : null,
  );
}

const CHANNELS = new Set(['email', 'sms']);

/**
 * The buyer's financing invitation as sent (summary.financing {channel, sent_to, status}):
 * "Invitation sent by email to j•••@example.com".
 * @param {{channel?: string, sent_to?: string, status?: string} | null | undefined} financing
 */
export function invitationCard(financing) {
  if (!financing || typeof financing !== 'object') return null;
  const sent = t(
    CHANNELS.has(financing.channel ?? '') ? `invitation.sent.${financing.channel}` : 'invitation.sent',
  );
  const line = financing.sent_to
    ? t('invitation.sent_to', { sent, address: financing.sent_to })
    : `${sent}.`;
  return card(
    {
      title: t('invitation.title'),
      surface: true,
      attrs: { 'data-financing': financing.status ?? '' },
    },
    h('p', { class: 'strong' }, line),
    h('p', { class: 'muted' }, t('invitation.private')),
  );
}
