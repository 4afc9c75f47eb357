// The widget: a launcher, and a panel with the conversation (role="log"), a status line for the
// connection, the message box and a line saying where the chat is kept. Names the contract
// fixes: "Open chat", "Type your message", role="log", .bot-message, .user-message.

import { openConnection } from "./connection.js";
import { el, icon } from "./dom.js";
import { noticeTokens } from "./notices.js";
import { choicesElement, entryElement, noteElement, tokenNodes } from "./render.js";
import { createStore } from "./store.js";
import { WELCOME_BUTTONS } from "./welcome.js";

const KINDS = new Set(["emergency", "urgent", "outcome"]);
// What the chat keeps, for each data-storage: said where the person types, so they know.
const KEEPS = {
  session: "This chat is kept only in this tab until you close it. Clear it any time.",
  local: "This chat is kept in this browser for a day after your last message. Clear it any time.",
  none: "This chat is not kept: it is gone when you leave or reload the page.",
};

function addStyles(css) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    document.head.append(el("style", {}, css));
  }
}

/** A bot_uttered payload as a history entry, or null when it has nothing this widget shows. */
function botEntry(message, id) {
  const text = typeof message.text === "string" ? message.text : "";
  const offered = message.quick_replies || message.buttons;
  const buttons = (Array.isArray(offered) ? offered : [])
    .filter((b) => b && typeof b.title === "string" && b.title.trim())
    .map((b) => ({ title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }));
  if (!text.trim() && !buttons.length) return null;
  return {
    id,
    from: "bot",
    text,
    buttons: buttons.length ? buttons : undefined,
    kind: KINDS.has(message.kind) ? message.kind : undefined,
    outcome: typeof message.outcome === "string" ? message.outcome : undefined,
  };
}

export function createWidget(config, css) {
  addStyles(css);
  const store = createStore(config.serverUrl, config.storage);
  // a message in flight when the page went away lost its reply: say so rather than wait forever
  let entries = store
    .load()
    .map((e) => (e.from === "user" && e.status === "sent" ? { ...e, status: "unconfirmed" } : e));
  let pending = 0;
  let troubled = false;
  let noticeTimer = 0;

  const launcher = el(
    "button",
    {
      type: "button",
      class: "ccw-launcher",
      "aria-label": "Open chat",
      "aria-expanded": "false",
      "aria-controls": "clinic-chat-panel",
    },
    icon("chat"),
    el("span", { class: "ccw-launcher-text" }, "Chat"),
  );
  const close = el("button", { type: "button", class: "ccw-close", "aria-label": "Close chat" });
  close.append(icon("close"));
  const clear = el(
    "button",
    { type: "button", class: "ccw-clear", "aria-label": "Clear this conversation" },
    "Clear",
  );
  // Asked in the widget (not window.confirm, which some embedding sites and browsers block)
  const clearYes = el("button", { type: "button", class: "ccw-confirm-yes" }, "Yes, clear it");
  const clearNo = el("button", { type: "button", class: "ccw-confirm-no" }, "Cancel");
  const clearConfirm = el(
    "div",
    {
      class: "ccw-confirm",
      role: "alertdialog",
      "aria-labelledby": "clinic-chat-clear-question",
      hidden: true,
    },
    el(
      "p",
      { id: "clinic-chat-clear-question", class: "ccw-confirm-text" },
      "Clear this conversation? It is removed from this device and a new chat starts.",
    ),
    el("div", { class: "ccw-confirm-actions" }, clearYes, clearNo),
  );
  // a new conversation offers the main paths as buttons, as the server's own welcome does
  const welcome = choicesElement(WELCOME_BUTTONS, (button) => choose(null, button));
  const greeting = el("div", { class: "ccw-greeting" }, config.greeting, welcome);
  const log = el("div", {
    class: "ccw-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  const typing = el(
    "div",
    { class: "ccw-typing", hidden: true },
    el("span", { class: "ccw-dot" }),
    el("span", { class: "ccw-dot" }),
    el("span", { class: "ccw-dot" }),
    el("span", { class: "ccw-sr" }, "The assistant is typing"),
  );
  const status = el("div", { class: "ccw-status", role: "status" });
  const input = el("textarea", {
    id: "clinic-chat-input",
    class: "ccw-input",
    rows: "2",
    maxlength: "1000",
    placeholder: "Type your message…",
    autocomplete: "off",
  });
  const form = el(
    "form",
    { class: "ccw-form" },
    el("label", { for: "clinic-chat-input", class: "ccw-sr" }, "Type your message"),
    input,
    el("button", { type: "submit", class: "ccw-send" }, "Send"),
  );
  const panel = el(
    "section",
    {
      id: "clinic-chat-panel",
      class: "ccw-panel",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "clinic-chat-title",
      hidden: true,
    },
    el(
      "div",
      { class: "ccw-header" },
      el("h2", { id: "clinic-chat-title", class: "ccw-title" }, `Chat with ${config.clinicName}`),
      clear,
      close,
    ),
    clearConfirm,
    log,
    typing,
    status,
    form,
    el("p", { class: "ccw-keeps", "data-storage": store.mode }, KEEPS[store.mode]),
  );
  const root = el("aside", { class: "ccw-root", "aria-label": "Chat" }, launcher, panel);
  root.style.setProperty("--ccw-primary", config.primaryColor);
  document.body.append(root);

  const connection = openConnection({
    serverUrl: config.serverUrl,
    sessionId: store.sessionId,
    onBotMessage: received,
    onState: connectionState,
  });

  // --- the log -------------------------------------------------------------------------------
  const handlers = { onChoose: choose, onRetry: retry, onRate: rate };
  const nodeOf = (entry) => [...log.children].find((n) => n.dataset.id === entry.id);
  const current = (entry) => entries.find((e) => e.id === entry.id);
  const scrollDown = () => {
    log.scrollTop = log.scrollHeight;
  };

  function render() {
    welcome.hidden = entries.length > 0;
    log.replaceChildren(greeting, ...entries.map((e) => entryElement(e, handlers)));
    scrollDown();
  }

  function append(entry) {
    entries.push(entry);
    log.append(entryElement(entry, handlers));
    scrollDown();
  }

  // Changed in place, not re-added: a re-added message would be read out again by the live log.
  function updateNote(entry) {
    const node = nodeOf(entry);
    if (!node) return;
    const old = node.querySelector(".ccw-note");
    const fresh = noteElement(entry, retry);
    if (old && fresh) old.replaceWith(fresh);
    else if (old) old.remove();
    else if (fresh) node.append(fresh);
  }

  function retireButtons() {
    welcome.hidden = true;
    for (const entry of entries) {
      if (entry.from !== "bot" || !entry.buttons || entry.answered) continue;
      entry.answered = true;
      nodeOf(entry)?.querySelector(".ccw-buttons")?.remove();
    }
  }

  const persist = (claim = false) => store.save(entries, { claim });

  // --- messages --------------------------------------------------------------------------------
  function received(message) {
    const entry = botEntry(message, store.newId());
    if (!entry) return;
    if (message.kind === "forgotten") {
      // "forget me" is done on the server: nothing of that conversation stays on this device
      entry.noRating = true; // nor on the server, to rate this message against
      entries = [entry];
      render();
      persist(true);
      return;
    }
    // a message before the person's first one (the opening disclaimer) answers nothing:
    // the server has no question to rate it against, so it offers no rating
    if (!entries.some((e) => e.from === "user")) entry.noRating = true;
    append(entry);
    if (!store.ownedElsewhere()) persist(); // else the tab that asked writes it (no doubles)
  }

  function deliver(entry) {
    entry.status = "sent";
    updateNote(entry);
    pending += 1;
    typing.hidden = false;
    connection.send(entry.payload || entry.text, (error) => {
      pending = Math.max(0, pending - 1);
      typing.hidden = pending === 0;
      const now = current(entry) || entry;
      now.status = error ? "unconfirmed" : "delivered";
      updateNote(now);
      persist();
    });
  }

  function submit(text, payload) {
    const clean = text.trim();
    if (!clean) return;
    retireButtons();
    const entry = {
      id: store.newId(),
      from: "user",
      text: clean,
      payload: payload && payload !== clean ? payload : undefined,
      status: "queued",
    };
    append(entry);
    if (connection.isReady()) deliver(entry);
    persist(true);
  }

  function choose(entry, button) {
    input.focus(); // the buttons go away: keep focus where the next answer is typed
    submit(button.title, button.payload);
  }

  /** "Helpful" / "Not helpful" pressed (the buttons already show it): kept, and sent. */
  function rate(entry, value) {
    const now = current(entry);
    if (!now || now.rating) return;
    now.rating = value;
    connection.feedback(value, now.text);
    persist();
  }

  function retry(entry) {
    const now = current(entry);
    if (!now) return;
    now.status = "queued";
    updateNote(now);
    if (connection.isReady()) deliver(now);
    persist(true);
    input.focus();
  }

  /** A new, empty conversation under sessionId (the stored one is already gone). */
  function startAfresh(sessionId) {
    entries = [];
    pending = 0;
    typing.hidden = true;
    render();
    connection.restart(sessionId);
  }

  function flush() {
    if (store.ownedElsewhere()) return; // another tab queued them and sends them
    for (const entry of entries) if (entry.status === "queued") deliver(entry);
    persist();
  }

  // --- connection notices ----------------------------------------------------------------------
  /** The status line: its tokens (text, links), or nothing to hide it. */
  function notice(tokens) {
    window.clearTimeout(noticeTimer);
    status.replaceChildren(...tokenNodes(tokens));
    status.classList.toggle("ccw-status-shown", tokens.length > 0);
  }

  function connectionState(state) {
    status.dataset.state = state;
    if (state === "connected" || state === "reconnected") {
      notice(troubled || state === "reconnected" ? noticeTokens("back") : []);
      noticeTimer = window.setTimeout(() => notice([]), 6000);
      troubled = false;
      flush();
      return;
    }
    troubled = true;
    pending = 0;
    typing.hidden = true;
    notice(noticeTokens(state, config));
  }

  // --- opening and closing ---------------------------------------------------------------------
  function open({ focus = true } = {}) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    store.setOpen(true);
    connection.start();
    scrollDown();
    if (focus) input.focus();
  }

  function askToClear(asking) {
    clearConfirm.hidden = !asking;
    (asking ? clearNo : clear).focus(); // the safe answer first; back to the button after
  }

  function shut() {
    clearConfirm.hidden = true;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    store.setOpen(false);
    launcher.focus();
  }

  launcher.addEventListener("click", () => open());
  close.addEventListener("click", shut);
  clear.addEventListener("click", () => askToClear(true));
  clearNo.addEventListener("click", () => askToClear(false));
  clearYes.addEventListener("click", () => {
    clearConfirm.hidden = true;
    startAfresh(store.restart());
    input.focus();
  });
  clearConfirm.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.stopPropagation(); // Escape here answers "Cancel", it does not close the chat
    askToClear(false);
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      shut();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(input.value);
    input.value = "";
    input.focus();
  });
  // Only localStorage reaches other tabs: another tab of the same conversation wrote the history
  // (show what it has) or cleared it (follow it, or this tab would write the old one back).
  window.addEventListener("storage", (event) => {
    if (store.mode !== "local" || !event.newValue) return;
    if (event.key === store.sessionKey && event.newValue !== store.sessionId) {
      if (store.follow(event.newValue)) startAfresh(event.newValue);
    } else if (event.key === store.historyKey) {
      entries = store.load();
      render();
    }
  });

  render();
  if (store.wasOpen()) open({ focus: false });
  else if (entries.some((e) => e.status === "queued")) connection.start();
}
