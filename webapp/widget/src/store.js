// What the browser keeps: the session id (so a reload or another page of the site continues the
// same Rasa conversation) and the conversation's history (the server never resends it), keyed by
// server and session, for a day after the last message. Where depends on data-storage: this
// tab's sessionStorage (the default), localStorage, or memory only ("none"). A browser that
// refuses storage gets memory only. Whether the panel was open is always per tab.

import { RATINGS } from "./feedback.js";

const PREFIX = "clinic-chat";
const MAX_ENTRIES = 200;
const KEEP_MS = 24 * 60 * 60 * 1000;

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
  };
}

function usable(name) {
  try {
    const storage = window[name];
    const probe = `${PREFIX}:probe`;
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage();
  }
}

function newId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const historyKeyOf = (sessionId) => `${PREFIX}:history:${sessionId}`;

/** Removes a stored conversation: its history and the session id that points at it. */
function forget(storage, sessionKey) {
  const sessionId = storage.getItem(sessionKey);
  if (sessionId) storage.removeItem(historyKeyOf(sessionId));
  storage.removeItem(sessionKey);
}

/** A conversation left for a day starts afresh: health details do not stay on a shared computer. */
function stale(raw) {
  try {
    const { savedAt } = JSON.parse(raw || "{}");
    return typeof savedAt === "number" && Date.now() - savedAt > KEEP_MS;
  } catch {
    return true;
  }
}

/** A stored entry as the widget draws it: a rating it does not know is dropped. */
function cleanEntry(entry) {
  if (entry.rating === undefined || RATINGS.has(entry.rating)) return entry;
  const { rating, ...rest } = entry;
  return rest;
}

function validEntry(entry) {
  return (
    entry &&
    typeof entry === "object" &&
    (entry.from === "bot" || entry.from === "user") &&
    typeof entry.text === "string" &&
    typeof entry.id === "string"
  );
}

export function createStore(serverUrl, mode = "session") {
  const browser = { local: usable("localStorage"), session: usable("sessionStorage") };
  const perTab = browser.session;
  const kept = browser[mode] || memoryStorage();
  const sessionKey = `${PREFIX}:session:${serverUrl}`;
  // A conversation kept where this mode does not keep it (an older widget used localStorage
  // always) would stay on the computer with nothing to show or clear it: remove it.
  for (const [name, storage] of Object.entries(browser)) {
    if (name !== mode) forget(storage, sessionKey);
  }

  let sessionId = kept.getItem(sessionKey);
  if (sessionId && stale(kept.getItem(historyKeyOf(sessionId)))) {
    forget(kept, sessionKey);
    sessionId = null;
  }
  if (!/^[0-9a-f]{32}$/.test(sessionId || "")) {
    sessionId = newId();
    kept.setItem(sessionKey, sessionId);
  }
  const openKey = `${PREFIX}:open:${serverUrl}`;
  // this tab's id survives a reload (sessionStorage is per tab): it writes its own replies
  const tabKey = `${PREFIX}:tab`;
  const tab = perTab.getItem(tabKey) || newId();
  perTab.setItem(tabKey, tab);

  function read() {
    try {
      const record = JSON.parse(kept.getItem(historyKeyOf(sessionId)) || "{}");
      const stored = Array.isArray(record.entries) ? record.entries : [];
      const entries = stored.filter(validEntry).map(cleanEntry);
      return { owner: record.owner || null, entries };
    } catch {
      return { owner: null, entries: [] };
    }
  }

  return {
    mode,
    sessionKey,
    get sessionId() {
      return sessionId;
    },
    get historyKey() {
      return historyKeyOf(sessionId);
    },
    newId,
    load: () => read().entries,
    /** Another tab of the same conversation sent the last message: it writes the replies. */
    ownedElsewhere: () => {
      const { owner } = read();
      return Boolean(owner) && owner !== tab;
    },
    save(entries, { claim = false } = {}) {
      const owner = claim ? tab : read().owner || tab;
      try {
        const record = { owner, savedAt: Date.now(), entries: entries.slice(-MAX_ENTRIES) };
        kept.setItem(historyKeyOf(sessionId), JSON.stringify(record));
      } catch {
        // storage full or refused: the conversation goes on, kept in this page only
      }
    },
    /** "Clear this conversation": nothing of it stays, and a new session id starts a new one. */
    restart() {
      forget(kept, sessionKey);
      sessionId = newId();
      kept.setItem(sessionKey, sessionId);
      return sessionId;
    },
    /** Another tab (sharing localStorage) started a new conversation: this one follows it. */
    follow(id) {
      if (/^[0-9a-f]{32}$/.test(id || "")) sessionId = id;
      return sessionId === id;
    },
    wasOpen: () => perTab.getItem(openKey) === "1",
    setOpen: (open) => perTab.setItem(openKey, open ? "1" : "0"),
  };
}
