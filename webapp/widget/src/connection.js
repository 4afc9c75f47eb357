// The socket.io link to Rasa's socketio channel (session persistence on): every (re)connect asks
// for the stored session, so the replies of the same conversation reach this page.

import { io } from "socket.io-client";

// Rasa acknowledges a message once it has handled it (all replies sent): a late answer is a
// slow model, a missing one after a lost connection means the message may never have arrived.
const ACK_MS = 90000;

/**
 * State changes reported through onState: "connected", "reconnecting", "offline",
 * "unreachable" (never connected yet), "reconnected".
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

  socket.on("connect", () => socket.emit("session_request", { session_id: sessionId }));
  socket.on("session_confirm", () => {
    ready = true;
    onState(everReady ? "reconnected" : "connected");
    everReady = true;
  });
  socket.on("bot_uttered", (message) => {
    if (message && typeof message === "object") onBotMessage(message);
  });
  socket.on("disconnect", (reason) => {
    ready = false;
    if (reason === "io client disconnect") return; // ours: offline, reported below
    onState("reconnecting");
    // the server closed it: socket.io does not retry that by itself
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => {
    onState(everReady ? "reconnecting" : "unreachable");
    if (!socket.active) window.setTimeout(() => socket.connect(), 5000);
  });

  // Retrying while the browser knows it is offline only fails; come back as soon as it is online.
  window.addEventListener("offline", () => {
    if (!started) return;
    ready = false;
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
      everReady = false; // a first connect: no "Reconnected." notice
      if (!started) return;
      socket.disconnect();
      if (navigator.onLine !== false) socket.connect(); // offline: the "online" handler connects
    },
    /** Sends one message; done(error) once Rasa has handled it, or with the reason it may not have. */
    send(message, done) {
      socket.timeout(ACK_MS).emit("user_uttered", { message, session_id: sessionId }, (error) =>
        done(error || null),
      );
    },
  };
}
