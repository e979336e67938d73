/**
 * The buyer's invitation, and the seller's news of it.
 *
 * A seller's invitation opens the host page with `?trex_invitation=<token>`: read once, removed
 * from the address at once (history.replaceState), and exchanged for a session of its own
 * (startWorkflow {workflowType: BUYER_FINANCING, invitation}); the token is kept nowhere. The
 * session is the element's BUYER_FINANCING session (its own storage key, so a seller's session
 * in this browser is left alone); this tab remembers that it opened one (sessionStorage, a flag,
 * never the token) so a reload resumes the application. A refused invitation (unknown, used,
 * expired) shows the server's message, with no retry: the same token would be refused again.
 *
 * The seller's element says what the buyer shared (FINANCING_* lead statuses, pushed) on any
 * step; the completion's timeline says it there.
 */
import { START_WORKFLOW } from './operations.js';
import { h } from './ui/dom.js';
import { t } from './i18n.js';

export const INVITATION_PARAM = 'trex_invitation';
export const BUYER_FINANCING = 'BUYER_FINANCING';
const FLAG = 'trex-invited';

/** @param {() => any} work */
const quietly = (work) => {
  try {
    return work();
  } catch {
    return null; // no sessionStorage here (a sandboxed frame): a reload starts as usual
  }
};

/**
 * The invitation's token in the address, removed from it (null without one), and whether this
 * tab is in an invited session (opened now or before a reload).
 * @returns {{token: string | null, invited: boolean}}
 */
export function takeInvitation() {
  const url = new URL(window.location.href);
  const raw = url.searchParams.get(INVITATION_PARAM);
  if (raw !== null) {
    url.searchParams.delete(INVITATION_PARAM);
    window.history.replaceState(window.history.state, '', url);
  }
  const token = raw?.trim() || null;
  if (token) quietly(() => window.sessionStorage.setItem(FLAG, '1'));
  const invited = Boolean(token) || quietly(() => window.sessionStorage.getItem(FLAG)) === '1';
  return { token, invited };
}

/** This tab is no longer in an invited session. */
const forget = () => quietly(() => window.sessionStorage.removeItem(FLAG));

/**
 * Opens the invitation's session (a new one), then shows it; a refusal shows the server's
 * message. Without a token, the tab's invited session resumes.
 * @param {import('./provider.js').WorkflowProvider} provider @param {string | null} token
 */
export async function openInvitation(provider, token) {
  if (!token) {
    if (!provider.store.load()) {
      forget();
      return refused(provider, t('invitation.ended'));
    }
    return provider.start();
  }
  const input = { workflowType: BUYER_FINANCING, invitation: token, context: provider.options.context ?? null };
  let startWorkflow;
  try {
    ({ startWorkflow } = await provider.api.execute(START_WORKFLOW, { input }));
  } catch (error) {
    forget();
    const kind = /** @type {any} */ (error).kind;
    return refused(
      provider,
      kind === 'graphql'
        ? /** @type {Error} */ (error).message
        : t('invitation.unreachable'),
    );
  }
  return provider.opened(startWorkflow);
}

/** @param {import('./provider.js').WorkflowProvider} provider @param {string} message */
function refused(provider, message) {
  provider.dispatchEvent(new CustomEvent('busy', { detail: { busy: false } }));
  provider.dispatchEvent(new CustomEvent('failure', { detail: { message } }));
}

/**
 * The seller's news of the buyer's financing (what the buyer shared) above the step, said to
 * screen readers; not on the completion, whose timeline says it. Returns what removes it.
 * @param {ShadowRoot} root @param {import('./provider.js').WorkflowProvider} provider
 * @param {(message: string) => void} announce
 */
export function financingNews(root, provider, announce) {
  const box = h('div', { 'data-financing-news': true });
  const section = root.querySelector('.trex > section.step');
  section?.before(box);
  const onCompletion = () => provider.step?.componentName === 'Completion';
  /** @param {Event} event */
  const onLead = (event) => {
    const lead = /** @type {CustomEvent} */ (event).detail.event;
    if (!String(lead.status).startsWith('FINANCING_') || !lead.message) return;
    box.dataset.status = lead.status;
    box.replaceChildren(h('div', { class: 'banner info' }, h('p', null, lead.message)));
    if (!onCompletion()) announce(lead.message);
    box.hidden = onCompletion();
  };
  const onStep = () => {
    box.hidden = onCompletion();
  };
  provider.addEventListener('lead', onLead);
  provider.addEventListener('step', onStep);
  return () => {
    provider.removeEventListener('lead', onLead);
    provider.removeEventListener('step', onStep);
    box.remove();
  };
}
