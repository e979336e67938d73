/**
 * A side view of each body type, drawn inline (no image requests, nothing for a host page's
 * CSP to allow). Decorative: hidden from assistive technology, the card says the body type.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** Each outline faces right, on a 120 × 48 box with the wheels on the ground line. */
const BODIES = /** @type {Record<string, string>} */ ({
  sedan: 'M6 34 L8 26 L30 24 L42 14 L78 14 L92 24 L112 27 L114 34 Z',
  hatchback: 'M8 34 L8 18 L20 13 L66 13 L82 24 L110 27 L112 34 Z',
  suv: 'M6 34 L6 14 L14 10 L76 10 L90 22 L112 25 L114 34 Z',
  wagon: 'M6 34 L6 16 L14 13 L74 13 L88 24 L112 27 L114 34 Z',
  coupe: 'M6 34 L10 27 L34 24 L52 15 L76 15 L94 25 L114 28 L114 34 Z',
  convertible: 'M6 34 L8 27 L62 26 L72 17 L75 17 L80 26 L112 28 L114 34 Z',
  pickup: 'M6 34 L6 22 L50 22 L50 12 L76 12 L88 23 L112 25 L114 34 Z',
  van: 'M6 34 L6 8 L84 8 L100 22 L114 26 L114 34 Z',
});
const WHEELS = [28, 92];

/** @param {string} tag @param {Record<string, string | number>} attrs */
function draw(tag, attrs) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

/** The drawing of `bodyType` (a sedan's for one it does not know). @param {string} bodyType */
export function bodyArt(bodyType) {
  const known = Object.hasOwn(BODIES, bodyType) ? bodyType : 'sedan';
  const svg = draw('svg', {
    class: 'art',
    viewBox: '0 0 120 48',
    width: 120,
    height: 48,
    'aria-hidden': 'true',
    focusable: 'false',
    'data-body': known,
  });
  svg.append(
    draw('path', {
      d: BODIES[known],
      fill: 'currentColor',
      'fill-opacity': 0.18,
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linejoin': 'round',
    }),
    ...WHEELS.flatMap((cx) => [
      draw('circle', { cx, cy: 36, r: 7, fill: 'currentColor' }),
      draw('circle', { cx, cy: 36, r: 2.5, fill: 'white' }),
    ]),
  );
  return svg;
}
