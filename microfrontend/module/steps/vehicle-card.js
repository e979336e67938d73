/** A vehicle as a card: the results list and the selection detail share it. */
import { h, inWords, money, number } from '../ui/dom.js';
import { card, specs } from '../ui/card.js';
import { bodyArt } from './vehicle-art.js';
import { t } from '../i18n.js';

/** @param {any} vehicle */
export const vehicleName = (vehicle) => `${vehicle.year} ${vehicle.make} ${vehicle.model}`;

/** @param {any} vehicle */
const distance = (vehicle) =>
  vehicle.distanceMiles == null
    ? null
    : t('vehicle.miles_away', { miles: number(Math.round(vehicle.distanceMiles)) });

/** The short facts line: mileage, fuel, body, seats. @param {any} vehicle */
export const facts = (vehicle) =>
  h(
    'ul',
    { class: 'facts' },
    [
      t('vehicle.mileage', { miles: number(vehicle.mileage) }),
      inWords('vehicle.value', vehicle.fuelType),
      inWords('vehicle.value', vehicle.bodyType),
      vehicle.seats ? t('vehicle.seats', { seats: vehicle.seats }) : null,
    ]
      .filter(Boolean)
      .map((fact) => h('li', null, fact)),
  );

/** The CarIn match: a score meter and the reasons behind it. @param {any} vehicle */
export function matchScore(vehicle) {
  if (vehicle.matchScore == null) return null;
  return h(
    'div',
    { class: 'stack tight' },
    h(
      'div',
      { class: 'score' },
      h('span', null, t('vehicle.match', { score: vehicle.matchScore })),
      h('meter', { min: 0, max: 100, value: vehicle.matchScore, 'aria-label': t('vehicle.match_score') }),
    ),
    vehicle.matchReasons?.length
      ? h(
          'ul',
          { class: 'reasons', 'aria-label': t('vehicle.why') },
          vehicle.matchReasons.map((r) => h('li', null, r)),
        )
      : null,
  );
}

/**
 * A result card, with a drawing of its body type; `action` is its choose button.
 * @param {any} vehicle @param {Node} action
 */
export function vehicleCard(vehicle, action) {
  return card(
    { tag: 'li', attrs: { 'data-vehicle-id': vehicle.id } },
    bodyArt(vehicle.bodyType),
    h('h3', null, vehicleName(vehicle)),
    h('p', { class: 'price' }, money(vehicle.price)),
    facts(vehicle),
    matchScore(vehicle),
    h(
      'p',
      { class: 'muted' },
      [
        vehicle.dealer.name,
        vehicle.dealer.city && `${vehicle.dealer.city}, ${vehicle.dealer.state}`,
        distance(vehicle),
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    action,
  );
}

/** Every detail of one vehicle. @param {any} vehicle */
export function vehicleDetails(vehicle) {
  return card(
    { surface: true },
    h('p', { class: 'price' }, money(vehicle.price)),
    specs([
      [t('vehicle.spec.mileage'), t('vehicle.mileage', { miles: number(vehicle.mileage) })],
      [t('vehicle.spec.fuel'), inWords('vehicle.value', vehicle.fuelType)],
      [t('vehicle.spec.body'), inWords('vehicle.value', vehicle.bodyType)],
      [t('vehicle.spec.seats'), vehicle.seats],
      [
        t('vehicle.spec.transmission'),
        vehicle.transmission && inWords('vehicle.value', vehicle.transmission),
      ],
      [t('vehicle.spec.drivetrain'), vehicle.drivetrain?.toUpperCase()],
      [t('vehicle.spec.color'), vehicle.color && inWords('vehicle.value', vehicle.color)],
      [
        t('vehicle.spec.features'),
        vehicle.features?.map((/** @type {string} */ f) => inWords('vehicle.value', f)).join(', '),
      ],
      [
        t('vehicle.spec.dealer'),
        `${vehicle.dealer.name}, ${vehicle.dealer.city}, ${vehicle.dealer.state} ${vehicle.dealer.zip}`,
      ],
      [t('vehicle.spec.distance'), distance(vehicle)],
    ]),
  );
}
