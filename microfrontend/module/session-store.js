/**
 * Where a visitor's session id and token are kept: sessionStorage, one entry per host site and
 * workflow (closing the tab ends it; a reload resumes). Falls back to memory when storage is
 * unavailable (some sandboxed frames).
 */

/** @typedef {{sessionId: string, token: string}} SavedSession */

const memory = new Map();

/** @param {string} key */
export function sessionStore(key) {
  /** @type {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} */
  let storage;
  try {
    storage = window.sessionStorage;
    storage.getItem(key);
  } catch {
    storage = {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
  return {
    /** @returns {SavedSession | null} */
    load() {
      try {
        const saved = JSON.parse(storage.getItem(key) ?? 'null');
        return saved?.sessionId && saved?.token ? saved : null;
      } catch {
        return null;
      }
    },
    /** @param {SavedSession} session */
    save: (session) => storage.setItem(key, JSON.stringify(session)),
    clear: () => storage.removeItem(key),
  };
}
