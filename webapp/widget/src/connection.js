// The socket.io link to Rasa's socketio channel (session persistence on): every (re)connect asks
// for the stored session, so the replies of the same conversation reach this page.

import { io } from "socket.io-client";

// Rasa acknowledges a message once it has handled it (all replies sent): a late answer is a
// slow model, a missing one after a lost connection means the message may never have arrived.
const ACK_MS = 90000;
// A few failed tries in a row, or this long without a link (a try that hangs never fails), and
// the assistant counts as unreachable: the person is told how else to reach the clinic, while
// the tries go on (every 5 s at the most) until the server is back.
export const UNREACHABLE_AFTER_TRIES = 3;
export const UNREACHABLE_AFTER_MS = 10000;

/**
 * State changes reported through onState: "connected", "connecting" (a first try failed),
 * "reconnecting" (the link was lost), "unreachable" (UNREACHABLE_AFTER_TRIES failed tries or
 * UNREACHABLE_AFTER_MS without a link, reported once), "offline", "reconnected".
 */
export function openConnection({ serverUrl, sessionId, onBotMessage, onState }) {
  const url = new URL(serverUrl);
  const socket = io(url.origin, {
    path: `${url.pathname.replace(/\/+$/, "")}/socket.io`,
    // websocket first: it needs no CORS set-up on Rasa; polling if a proxy refuses websockets
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnectionDelayMax: 5000,
    autoConnect: false,
  });
  let started = false;
  let ready = false;
  let everReady = false;
  let failedTries = 0;
  let unreachable = false;
  let giveUpTimer = 0;
  // ratings pressed while not connected: sent once the session is confirmed (the server takes a
  // rating only for the session this connection asked for; socket.io's own buffer would send it
  // before that)
  let ratings = [];

  function reportUnreachable() {
    if (unreachable || ready) return;
    unreachable = true;
    onState("unreachable");
  }
  /** A try failed or the link went: the clock for "unreachable" runs from the first trouble. */
  function trouble(state) {
    if (!giveUpTimer) giveUpTimer = window.setTimeout(reportUnreachable, UNREACHABLE_AFTER_MS);
    if (!unreachable) onState(state);
  }
  function troubleOver() {
    window.clearTimeout(giveUpTimer);
    giveUpTimer = 0;
    failedTries = 0;
    unreachable = false;
  }

  socket.on("connect", () => socket.emit("session_request", { session_id: sessionId }));
  socket.on("session_confirm", () => {
    ready = true;
    troubleOver();
    for (const rating of ratings.splice(0)) socket.emit("feedback", rating);
    onState(everReady ? "reconnected" : "connected");
    everReady = true;
  });
  socket.on("bot_uttered", (message) => {
    if (message && typeof message === "object") onBotMessage(message);
  });
  socket.on("disconnect", (reason) => {
    ready = false;
    if (reason === "io client disconnect") return; // ours: offline, reported below
    trouble("reconnecting");
    // the server closed it: socket.io does not retry that by itself
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => {
    failedTries += 1;
    if (failedTries >= UNREACHABLE_AFTER_TRIES) reportUnreachable();
    trouble(everReady ? "reconnecting" : "connecting");
    if (!socket.active) window.setTimeout(() => socket.connect(), 5000);
  });

  // Retrying while the browser knows it is offline only fails; come back as soon as it is online.
  window.addEventListener("offline", () => {
    if (!started) return;
    ready = false;
    troubleOver(); // the browser knows why: "offline" says it, not "unreachable"
    socket.disconnect();
    onState("offline");
  });
  window.addEventListener("online", () => {
    if (started && !socket.connected) socket.connect();
  });

  return {
    /** Connects once the chat is first opened, not on every page view of the clinic's site. */
    start() {
      if (started) return;
      started = true;
      if (navigator.onLine === false) onState("offline");
      else socket.connect();
    },
    isReady: () => ready,
    /**
     * A new conversation ("Clear this conversation"): a new socket, as a socket stays in the old
     * session's room on the server and would still get the old conversation's late replies.
     */
    restart(id) {
      sessionId = id;
      ready = false;
      ratings = []; // the old conversation's
      everReady = false; // a first connect: no "Reconnected." notice
      troubleOver();
      if (!started) return;
      socket.disconnect();
      if (navigator.onLine !== false) socket.connect(); // offline: the "online" handler connects
    },
    /** A rating of one answer (its text as received): {session_id, value, answer}. */
    feedback(value, answer) {
      const rating = { session_id: sessionId, value, answer };
      if (ready) socket.emit("feedback", rating);
      else ratings.push(rating);
    },
    /** Sends one message; done(error) once Rasa has handled it, or with the reason it may not have. */
    send(message, done) {
      socket.timeout(ACK_MS).emit("user_uttered", { message, session_id: sessionId }, (error) =>
        done(error || null),
      );
    },
  };
}
