/**
 * What the element keeps in this browser, in localStorage (shared by the host site's tabs,
 * surviving a closed tab), each entry expiring TTL_MS after it was last written:
 *   trex-session:<site>   the session's id and token (the other tabs adopt a new one: the
 *                         `storage` event)
 *   trex-draft:<site>:<session>:<step>   the answers typed on a step and not yet submitted
 * <site> is the API endpoint, the publishable key and the workflow type. A draft never holds a
 * secret field (the SSN: `isSecret`); personal answers stay in this browser only. Falls back to
 * sessionStorage, then memory, where localStorage is unavailable (some sandboxed frames).
 */

/** @typedef {{sessionId: string, token: string}} SavedSession */

export const TTL_MS = 7 * 24 * 3600 * 1000; // the server keeps an idle session 30 days
const DRAFT_PREFIX = 'trex-draft:';
const memory = new Map();
/** @type {Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | null} */
let chosen = null;

function storage() {
  if (chosen) return chosen;
  for (const name of /** @type {const} */ (['localStorage', 'sessionStorage'])) {
    try {
      const candidate = window[name];
      candidate.setItem('trex-probe', '1');
      candidate.removeItem('trex-probe');
      return (chosen = candidate);
    } catch {
      // unavailable here: try the next one
    }
  }
  return (chosen = {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => void memory.set(k, String(v)),
    removeItem: (k) => void memory.delete(k),
    key: (i) => [...memory.keys()][i] ?? null,
    get length() {
      return memory.size;
    },
  });
}

/** The entry's value unless it expired (an expired one is removed). @param {string} key */
function read(key) {
  try {
    const entry = JSON.parse(storage().getItem(key) ?? 'null');
    if (entry && typeof entry.at === 'number' && Date.now() - entry.at < TTL_MS) return entry.value;
    if (entry) storage().removeItem(key);
  } catch {
    // unreadable: as if absent
  }
  return null;
}

/** @param {string} key @param {any} value */
function write(key, value) {
  try {
    storage().setItem(key, JSON.stringify({ at: Date.now(), value }));
  } catch {
    // full or refused: the element works on without it
  }
}

/** @param {string} site */
export function sessionStore(site) {
  const key = `trex-session:${site}`;
  return {
    /** @returns {SavedSession | null} */
    load() {
      const saved = read(key);
      return saved?.sessionId && saved?.token ? saved : null;
    },
    /** @param {SavedSession} session */
    save: (session) => write(key, session),
    clear: () => storage().removeItem(key),
    /**
     * Calls `changed` with what another tab saved (null: it forgot the session).
     * @param {(saved: SavedSession | null) => void} changed @returns {() => void} stop
     */
    watch(changed) {
      /** @param {StorageEvent} event */
      const listener = (event) => {
        if (event.key === key || event.key === null) changed(this.load());
      };
      window.addEventListener('storage', listener);
      return () => window.removeEventListener('storage', listener);
    },
  };
}

/** A field the element never writes down anywhere. @param {{name: string, type: string}} field */
export const isSecret = (field) => field.type === 'ssn' || /ssn|social_security/i.test(field.name);

/** Unsubmitted answers, per session and step. @param {string} site */
export function draftStore(site) {
  const prefix = `${DRAFT_PREFIX}${site}:`;
  const keyOf = (/** @type {string} */ sessionId, /** @type {string} */ stepId) =>
    `${prefix}${sessionId}:${stepId}`;
  pruneDrafts();
  return {
    /** @returns {Record<string, any> | null} */
    load: (/** @type {string} */ sessionId, /** @type {string} */ stepId) =>
      read(keyOf(sessionId, stepId)),
    save(
      /** @type {string} */ sessionId,
      /** @type {string} */ stepId,
      /** @type {Record<string, any>} */ values,
    ) {
      if (Object.keys(values).length) write(keyOf(sessionId, stepId), values);
      else this.clear(sessionId, stepId);
    },
    clear: (/** @type {string} */ sessionId, /** @type {string} */ stepId) =>
      storage().removeItem(keyOf(sessionId, stepId)),
    /** Every draft of the session (it ended, or this browser left it). */
    clearSession(/** @type {string} */ sessionId) {
      for (const key of keys()) {
        if (key.startsWith(`${prefix}${sessionId}:`)) storage().removeItem(key);
      }
    },
  };
}

function keys() {
  const store = storage();
  const found = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (key?.startsWith(DRAFT_PREFIX)) found.push(key);
  }
  return found;
}

/** Drops expired drafts of every site (read() removes what expired). */
function pruneDrafts() {
  for (const key of keys()) read(key);
}
