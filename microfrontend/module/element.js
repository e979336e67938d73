/**
 * <trex-workflow endpoint="…" publishable-key="…" workflow-type="buying|selling" locale="es-US">
 *
 * endpoint         the T-Rex GraphQL URL (default: /graphql on the origin that served this module)
 * publishable-key  the host site's pk_… key, sent as X-Publishable-Key
 * workflow-type    buying or selling skips the first question
 * locale           en-US (the default) or es-US; without it, the page's <html lang> when it is
 *                  Spanish (es, es-MX, …). Sent as context.locale (the server's words follow it).
 * The `context` property (an object) goes to startWorkflow with the page's path.
 * Events (bubbling, composed): `trex-step` {stepId, componentName, title, cause} on every step.
 * The session survives reloads, closed tabs and second tabs (localStorage); Back and Forward move
 * between steps (?trex_step=…); a resume link's ?trex_resume=… is read once and removed.
 * Performance: marks `trex:mount` and `trex:first-step`, measure `trex:mount-to-first-step`.
 */
import { applyStyles } from './ui/styles.js';
import { WorkflowProvider } from './provider.js';
import { WorkflowView } from './view.js';
import { attachResume, takeResumeToken } from './resume.js';
import { BUYER_FINANCING, financingNews, openInvitation, takeInvitation } from './invitation.js';
import { prefetchAfter, preload, prepareStep } from './renderer.js';
import { resolveLocale, useLocale } from './i18n.js';

const DEFAULT_ENDPOINT = new URL('/graphql', import.meta.url).href;
const WORKFLOW_TYPES = new Set(['BUYING', 'SELLING']);

export class TrexWorkflow extends HTMLElement {
  static observedAttributes = ['endpoint', 'publishable-key', 'workflow-type', 'locale'];

  /** @type {WorkflowProvider | null} */ #provider = null;
  /** @type {(() => void) | null} */ #detach = null; // history, drafts, Continue later
  /** @type {Record<string, any>} */ context = {};

  constructor() {
    super();
    applyStyles(this.attachShadow({ mode: 'open' }));
  }

  connectedCallback() {
    this.#start();
  }

  disconnectedCallback() {
    this.#stop();
  }

  attributeChangedCallback(
    /** @type {string} */ _name,
    /** @type {string | null} */ before,
    /** @type {string | null} */ after,
  ) {
    if (this.#provider && before !== after) {
      this.#stop();
      this.#start();
    }
  }

  #start() {
    const mount = performance.mark('trex:mount');
    const type = (this.getAttribute('workflow-type') ?? '').toUpperCase();
    const invitation = takeInvitation(); // ?trex_invitation=…: the buyer's own session
    // The attribute, else a locale the host put in the context, else the page's <html lang>.
    const locale = resolveLocale(this.getAttribute('locale') || this.context?.locale);
    const language = useLocale(locale); // at once for en-US; es-US's catalogue is imported
    const provider = new WorkflowProvider({
      endpoint: this.getAttribute('endpoint') || DEFAULT_ENDPOINT,
      publishableKey: this.getAttribute('publishable-key'),
      workflowType: invitation.invited ? BUYER_FINANCING : WORKFLOW_TYPES.has(type) ? type : null,
      context: { page: window.location.pathname, ...this.context, locale },
      // A step is shown once its component's module and the element's words are here.
      prepare: (step) => Promise.all([chrome, prepareStep(step)]),
    });
    this.#provider = provider;
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const view = new WorkflowView(root, provider);
    view.setLanguage(locale);
    // What the element adds around the steps (Continue later, history, drafts, the buyer's
    // news), in its words: before the first step, which waits for it.
    const chrome = language.then((shown) => {
      if (this.#provider !== provider) return;
      view.setLanguage(shown);
      const detachResume = attachResume(root, provider, provider.site);
      const detachNews = financingNews(root, provider, (message) => view.announce(message));
      this.#detach = () => {
        detachResume();
        detachNews();
      };
    });
    // A new visitor's first step is the first question: its module loads beside the answer.
    const resumeToken = takeResumeToken();
    if (!invitation.invited && !resumeToken && !provider.store.load())
      preload([WORKFLOW_TYPES.has(type) ? 'Choice' : 'IntentSelection']);
    provider.addEventListener('step', (event) =>
      prefetchAfter(/** @type {CustomEvent} */ (event).detail.step),
    );
    this.addEventListener(
      'trex-first-step',
      () => {
        const shown = performance.mark('trex:first-step');
        performance.measure('trex:mount-to-first-step', {
          start: mount.startTime,
          end: shown.startTime,
        });
      },
      { once: true },
    );
    if (invitation.invited) openInvitation(provider, invitation.token);
    else provider.start({ resumeToken });
  }

  #stop() {
    this.#detach?.();
    this.#detach = null;
    this.#provider?.dispose();
    this.#provider = null;
    this.shadowRoot?.replaceChildren();
    delete this.dataset.step;
  }
}
