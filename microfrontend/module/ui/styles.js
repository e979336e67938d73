/**
 * The element's whole stylesheet, adopted by its shadow root (host styles stay out, ours stay in).
 * Theming: set these custom properties on `trex-workflow` or any ancestor (they cross the
 * shadow boundary); each has the default shown.
 *
 *   --trex-font-family      system-ui stack       --trex-color-primary     #1c4fd8
 *   --trex-font-size        16px                  --trex-color-on-primary  #ffffff
 *   --trex-color-text       #1b1f24               --trex-color-danger      #b42318
 *   --trex-color-muted      #545d69               --trex-color-success     #067647
 *   --trex-color-background #ffffff               --trex-color-focus       #b45309
 *   --trex-color-surface    #f4f6f9               --trex-radius            10px
 *   --trex-color-border     #c9d0d9               --trex-space             16px
 *   --trex-color-control    #6b7480               --trex-shadow            0 1px 3px #0002
 *   --trex-max-width        720px                 --trex-min-height        see below
 *
 * Contrast (WCAG 2.2 AA), kept by tests/browser/test_accessibility.py at every step: text 4.5:1
 * on the background and the surface; 3:1 for what is not text but must be seen: the focus ring,
 * the boundary of each control (inputs, choice buttons: --trex-color-control) and state marks
 * (the timeline's dots, the progress bar's fill). --trex-color-border only separates boxes
 * (cards, groups), which WCAG leaves free. A theme that changes a colour keeps these ratios.
 *
 * Space: the element is at least --trex-min-height tall (by default 19em; 25em where it is
 * narrower than 520 px, 29em under 340 px: the first step's height), a skeleton until the first
 * step, so the host page does not move as it loads. Until the module has defined the element
 * the host page reserves the same: trex-workflow:not(:defined) { display: block; min-height: … }.
 */
export const css = `
:host {
  all: initial;
  display: block;
  container: trex-host / inline-size;
  --_font: var(--trex-font-family, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_size: var(--trex-font-size, 16px);
  --_text: var(--trex-color-text, #1b1f24);
  --_muted: var(--trex-color-muted, #545d69);
  --_bg: var(--trex-color-background, #ffffff);
  --_surface: var(--trex-color-surface, #f4f6f9);
  --_border: var(--trex-color-border, #c9d0d9);
  --_primary: var(--trex-color-primary, #1c4fd8);
  --_on-primary: var(--trex-color-on-primary, #ffffff);
  --_danger: var(--trex-color-danger, #b42318);
  --_success: var(--trex-color-success, #067647);
  --_control: var(--trex-color-control, #6b7480);
  --_focus: var(--trex-color-focus, #b45309);
  --_radius: var(--trex-radius, 10px);
  --_space: var(--trex-space, 16px);
  --_max: var(--trex-max-width, 720px);
  --_shadow: var(--trex-shadow, 0 1px 3px #0002);
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
.trex {
  container-type: inline-size;
  font: 400 var(--_size)/1.5 var(--_font);
  color: var(--_text); background: var(--_bg);
  max-width: var(--_max); margin: 0 auto; padding: var(--_space);
  border: 1px solid var(--_border); border-radius: var(--_radius); box-shadow: var(--_shadow);
  --_reserve: 19em; min-height: var(--trex-min-height, var(--_reserve));
}
@container trex-host (max-width: 520px) { .trex { --_reserve: 25em; } }
@container trex-host (max-width: 340px) { .trex { --_reserve: 29em; } }
.step { display: grid; gap: var(--_space); }
.step-heading { font-size: 1.5em; line-height: 1.25; margin: 0; }
h3 { margin: 0; font-size: 1.1em; }
.step-heading:focus { outline: none; }
p { margin: 0; }
.muted { color: var(--_muted); }
.strong { font-weight: 600; }
.small { font-size: 0.85em; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }

/* layout */
.stack { display: grid; gap: var(--_space); }
.stack.snug { gap: 0.5em; }
.stack.tight { gap: 0.25em; }
.row { display: flex; flex-wrap: wrap; gap: calc(var(--_space) / 2); align-items: center; }
.row.pending { flex-wrap: nowrap; gap: var(--_space); }
.row.pager { justify-content: space-between; }
.chips { list-style: none; padding: 0; margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: calc(var(--_space) / 2); justify-content: flex-end; }
.grid { display: grid; gap: var(--_space); grid-template-columns: repeat(2, minmax(0, 1fr)); }
.grid > .wide { grid-column: 1 / -1; }
.topbar { display: flex; align-items: center; gap: var(--_space); min-height: 44px; }
.topbar .progress { flex: 1; }
@media (max-width: 480px) {
  .trex { padding: calc(var(--_space) * 0.75); }
}
@container (max-width: 520px) {
  .grid { grid-template-columns: minmax(0, 1fr); }
  .actions { flex-direction: column-reverse; align-items: stretch; }
  .step-heading { font-size: 1.3em; }
}

/* buttons */
.btn {
  font: inherit; font-weight: 600; min-height: 44px; padding: 0.55em 1.1em; cursor: pointer;
  border-radius: var(--_radius); border: 2px solid var(--_primary);
  background: var(--_primary); color: var(--_on-primary);
  display: inline-flex; align-items: center; justify-content: center; gap: 0.5em;
}
.btn.secondary { background: var(--_bg); color: var(--_primary); }
.btn.secondary[aria-pressed="true"] { background: var(--_primary); color: var(--_on-primary); }
.btn.link {
  background: none; border-color: transparent; color: var(--_primary); padding-inline: 0.25em;
}
.btn[aria-disabled="true"] { opacity: 0.6; cursor: progress; }
.btn:hover:not([aria-disabled="true"]) { filter: brightness(1.1); }
.choices { display: grid; gap: calc(var(--_space) / 2); grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); }
.btn.choice {
  justify-content: flex-start; text-align: left; min-height: 64px; font-size: 1.05em;
  background: var(--_bg); color: var(--_text); border: 2px solid var(--_control);
}
.btn.choice { flex-direction: column; align-items: flex-start; gap: 0.1em; }
.btn.choice.chosen, .btn.choice:hover { border-color: var(--_primary); }
.choice-description { color: var(--_muted); font-weight: 400; font-size: 0.9em; }

/* fields */
.field { display: grid; gap: 0.3em; align-content: start; min-width: 0; }
fieldset.field { border: 0; padding: 0; margin: 0; }
.field > label, .field > legend { font-weight: 600; padding: 0; }
.optional { font-weight: 400; color: var(--_muted); }
.input {
  font: inherit; color: inherit; width: 100%; min-height: 44px; padding: 0.5em 0.75em;
  background: var(--_bg); border: 1px solid var(--_control); border-radius: calc(var(--_radius) / 2);
}
textarea.input { min-height: 6em; resize: vertical; }
.input[aria-invalid="true"] { border: 2px solid var(--_danger); }
.hint { color: var(--_muted); font-size: 0.9em; }
.error { color: var(--_danger); font-size: 0.9em; font-weight: 600; }
.error:empty { display: none; }
.options { display: flex; flex-wrap: wrap; gap: 0.25em 1em; }
.check { display: flex; align-items: center; gap: 0.5em; min-height: 44px; cursor: pointer; }
.check input { width: 1.25em; height: 1.25em; margin: 0; accent-color: var(--_primary); flex: none; }
.with-button { display: flex; gap: 0.5em; }
.group { border: 1px solid var(--_border); border-radius: var(--_radius); padding: var(--_space); margin: 0; min-width: 0; }
.group > legend { font-weight: 700; padding: 0 0.4em; }

/* cards */
.card {
  border: 1px solid var(--_border); border-radius: var(--_radius); padding: var(--_space);
  background: var(--_bg); display: grid; gap: 0.5em; min-width: 0;
}
.card.surface { background: var(--_surface); }
.cards > .card { display: flex; flex-direction: column; }
.cards > .card > .btn:last-child { margin-top: auto; }
.cards { display: grid; gap: var(--_space); grid-template-columns: repeat(auto-fill, minmax(17em, 1fr)); list-style: none; padding: 0; margin: 0; }
.price { font-size: 1.25em; font-weight: 700; }
.facts { display: flex; flex-wrap: wrap; gap: 0.25em 0.75em; color: var(--_muted); font-size: 0.95em; margin: 0; padding: 0; list-style: none; }
.specs { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1em; margin: 0; }
.specs dt { color: var(--_muted); }
.specs dd { margin: 0; }
.badge { display: inline-block; padding: 0.1em 0.6em; border-radius: 999px; background: var(--_surface); font-size: 0.85em; font-weight: 600; }
.score { display: flex; align-items: center; gap: 0.5em; font-weight: 700; color: var(--_success); }
.score meter { flex: 1; height: 0.6em; }
.reasons { margin: 0; padding-left: 1.2em; font-size: 0.95em; }

/* progress */
.progress { display: grid; gap: 0.25em; font-size: 0.9em; color: var(--_muted); }
.bar { height: 8px; border-radius: 4px; background: var(--_surface); overflow: hidden; border: 1px solid var(--_border); }
.bar > span { display: block; height: 100%; background: var(--_primary); transition: width 0.3s; }

/* banners */
.banner {
  border-radius: var(--_radius); padding: 0.75em var(--_space); border: 1px solid;
  display: flex; flex-wrap: wrap; gap: 0.5em var(--_space); align-items: center; justify-content: space-between;
}
.banner.error { border-color: var(--_danger); color: var(--_danger); background: color-mix(in srgb, var(--_danger) 7%, var(--_bg)); }
.banner.info { border-color: var(--_primary); background: color-mix(in srgb, var(--_primary) 7%, var(--_bg)); }
.banner ul { margin: 0; padding-left: 1.2em; }
.banner .reference { font-size: 0.85em; margin-top: 0.25em; user-select: all; }

/* loading: the shape of a first step (its heading's line, two choices), within the min-height */
.skeleton > .block { display: block; height: 64px; border-radius: var(--_radius); background: var(--_surface); }

/* waiting, timeline */
.spinner {
  width: 2.5em; height: 2.5em; border-radius: 50%; flex: none;
  border: 4px solid var(--_surface); border-top-color: var(--_primary); animation: spin 0.9s linear infinite;
}
.btn .spinner { width: 1em; height: 1em; border-width: 2px; }
@keyframes spin { to { transform: rotate(360deg); } }
.reference { font-size: 1.6em; font-weight: 700; letter-spacing: 0.05em; }
.changes { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5em; }
.timeline { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5em; }
.timeline li { display: grid; grid-template-columns: 1.8em 1fr auto; align-items: center; gap: 0.5em; }
.timeline .dot {
  width: 1.5em; height: 1.5em; border-radius: 50%; border: 2px solid var(--_control);
  display: grid; place-items: center; font-size: 0.85em; background: var(--_bg);
}
.timeline .done .dot { background: var(--_success); border-color: var(--_success); color: #fff; }
.timeline .failed .dot { background: var(--_danger); border-color: var(--_danger); color: #fff; }
.timeline .waiting { color: var(--_muted); }
.timeline time { color: var(--_muted); font-size: 0.9em; }

/* modal */
dialog.modal {
  border: 0; border-radius: var(--_radius); padding: 0; width: min(34em, calc(100vw - 2em));
  max-height: calc(100vh - 2em); color: var(--_text); background: var(--_bg);
  font: 400 var(--_size)/1.5 var(--_font); box-shadow: 0 10px 40px #0005;
}
dialog.modal::backdrop { background: #0008; }
.modal-head { display: flex; justify-content: space-between; align-items: center; padding: var(--_space); border-bottom: 1px solid var(--_border); }
.modal-head h2 { margin: 0; font-size: 1.2em; }
.modal-body { padding: var(--_space); display: grid; gap: var(--_space); }
.picker-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.25em; max-height: 50vh; overflow: auto; }
.picker-list .btn { width: 100%; }
.picker-list .check { border: 1px solid var(--_border); border-radius: calc(var(--_radius) / 2); padding: 0.4em 0.75em; }

@media (prefers-reduced-motion: reduce) {
  .spinner { animation-duration: 3s; }
  .bar > span { transition: none; }
}
`;

let shared = /** @type {CSSStyleSheet | null} */ (null);

/** Adopts the stylesheet (parsed once, shared by every instance), or falls back to <style>. */
export function applyStyles(/** @type {ShadowRoot} */ root) {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    shared ??= new CSSStyleSheet();
    if (!shared.cssRules.length) shared.replaceSync(css);
    root.adoptedStyleSheets = [shared];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    /** @type {ShadowRoot} */ (root).prepend(style);
  }
}
