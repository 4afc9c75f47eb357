// Where the conversation is kept, what an older widget left behind, and "Clear this conversation",
// against storages that behave like the browser's (a fresh pair for each test).
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { createStore } from "../src/store.js";

const SERVER = "http://rasa.example";
const SESSION_KEY = `clinic-chat:session:${SERVER}`;
const OLD_ID = "a".repeat(32);

function fakeStorage() {
  const data = new Map();
  return {
    data,
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
  };
}

const conversationKeys = (storage) =>
  [...storage.data.keys()].filter((k) => /^clinic-chat:(session|history):/.test(k));

/** What a widget before data-storage left in localStorage: a recent conversation. */
function oldConversation(storage) {
  const entries = [{ id: "1", from: "user", text: "my neck hurts, I'm Ada" }];
  storage.setItem(SESSION_KEY, OLD_ID);
  storage.setItem(`clinic-chat:history:${OLD_ID}`, JSON.stringify({ savedAt: Date.now(), entries }));
}

let local;
let session;
beforeEach(() => {
  local = fakeStorage();
  session = fakeStorage();
  globalThis.window = { localStorage: local, sessionStorage: session, crypto: globalThis.crypto };
});

test("by default the conversation is kept in this tab and nothing in localStorage", () => {
  const store = createStore(SERVER);
  assert.equal(store.mode, "session");
  store.save([{ id: "1", from: "user", text: "hello" }]);
  assert.equal(session.getItem(SESSION_KEY), store.sessionId);
  assert.match(session.getItem(store.historyKey), /hello/);
  assert.deepEqual(conversationKeys(local), []);
  assert.deepEqual(createStore(SERVER).load(), [{ id: "1", from: "user", text: "hello" }]);
});

test("an older widget's conversation in localStorage is removed, not shown", () => {
  oldConversation(local);
  const store = createStore(SERVER, "session");
  assert.deepEqual(conversationKeys(local), []);
  assert.notEqual(store.sessionId, OLD_ID);
  assert.deepEqual(store.load(), []);
});

test("with local storage the conversation stays in localStorage", () => {
  oldConversation(local);
  const store = createStore(SERVER, "local");
  assert.equal(store.sessionId, OLD_ID);
  assert.equal(store.load()[0].text, "my neck hurts, I'm Ada");
  assert.deepEqual(conversationKeys(session), []);
});

test("with none nothing of the conversation is stored, and older leftovers go", () => {
  oldConversation(local);
  oldConversation(session);
  const store = createStore(SERVER, "none");
  store.save([{ id: "1", from: "user", text: "hello" }]);
  assert.deepEqual(conversationKeys(local), []);
  assert.deepEqual(conversationKeys(session), []);
  assert.equal(store.load()[0].text, "hello"); // this page still has it
});

test("restart removes the conversation and gives a new session id", () => {
  for (const mode of ["session", "local"]) {
    const store = createStore(SERVER, mode);
    const storage = mode === "local" ? local : session;
    const first = store.sessionId;
    const firstKey = store.historyKey;
    store.save([{ id: "1", from: "user", text: "hello" }]);
    const second = store.restart();
    assert.match(second, /^[0-9a-f]{32}$/);
    assert.notEqual(second, first);
    assert.equal(store.sessionId, second);
    assert.equal(storage.getItem(firstKey), null, mode);
    assert.equal(storage.getItem(SESSION_KEY), second, mode);
    assert.deepEqual(store.load(), []);
    assert.equal(createStore(SERVER, mode).sessionId, second); // a reload continues the new one
  }
});

test("follow takes another tab's new session id, nothing else", () => {
  const store = createStore(SERVER, "local");
  const before = store.sessionId;
  assert.equal(store.follow("not an id"), false);
  assert.equal(store.sessionId, before);
  assert.equal(store.follow("b".repeat(32)), true);
  assert.equal(store.sessionId, "b".repeat(32));
});

test("a rating is kept with its answer (a reload shows it); an unknown one is dropped", () => {
  const store = createStore(SERVER);
  store.save([
    { id: "1", from: "user", text: "my neck hurts" },
    { id: "2", from: "bot", text: "Posture can load the neck.", rating: "not_helpful" },
    { id: "3", from: "bot", text: "Anything else?", rating: "<img src=x>" },
  ]);
  const [, rated, odd] = createStore(SERVER).load();
  assert.equal(rated.rating, "not_helpful");
  assert.equal("rating" in odd, false);
  assert.equal(odd.text, "Anything else?");
});
