/** A vehicle as a card: the results list and the selection detail share it. */
import { h, humanize, money, number } from '../ui/dom.js';
import { card, specs } from '../ui/card.js';
import { bodyArt } from './vehicle-art.js';

/** @param {any} vehicle */
export const vehicleName = (vehicle) => `${vehicle.year} ${vehicle.make} ${vehicle.model}`;

/** @param {any} vehicle */
const distance = (vehicle) =>
  vehicle.distanceMiles == null ? null : `${number(Math.round(vehicle.distanceMiles))} miles away`;

/** The short facts line: mileage, fuel, body, seats. @param {any} vehicle */
export const facts = (vehicle) =>
  h(
    'ul',
    { class: 'facts' },
    [
      `${number(vehicle.mileage)} mi`,
      humanize(vehicle.fuelType),
      humanize(vehicle.bodyType),
      vehicle.seats ? `${vehicle.seats} seats` : null,
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
      h('span', null, `${vehicle.matchScore}% match`),
      h('meter', { min: 0, max: 100, value: vehicle.matchScore, 'aria-label': 'Match score' }),
    ),
    vehicle.matchReasons?.length
      ? h(
          'ul',
          { class: 'reasons', 'aria-label': 'Why it matches' },
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
      ['Mileage', `${number(vehicle.mileage)} mi`],
      ['Fuel', humanize(vehicle.fuelType)],
      ['Body', humanize(vehicle.bodyType)],
      ['Seats', vehicle.seats],
      ['Transmission', vehicle.transmission && humanize(vehicle.transmission)],
      ['Drivetrain', vehicle.drivetrain?.toUpperCase()],
      ['Color', vehicle.color && humanize(vehicle.color)],
      ['Features', vehicle.features?.map(humanize).join(', ')],
      [
        'Dealer',
        `${vehicle.dealer.name}, ${vehicle.dealer.city}, ${vehicle.dealer.state} ${vehicle.dealer.zip}`,
      ],
      ['Distance', distance(vehicle)],
    ]),
  );
}
