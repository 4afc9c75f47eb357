// The embedding <script> tag's data-* attributes. Anything missing or unusable gets a safe default.
//   data-server-url     Rasa's public address (default http://localhost:5005)
//   data-clinic-name    shown in the title and the default greeting
//   data-clinic-phone   offered when the assistant cannot be reached ("call ...")
//   data-primary-color  the clinic's colour; one white text cannot be read on falls back
//   data-greeting       the first message, shown before the server says anything
//   data-storage        where the conversation (health details included) is kept:
//                         "session" (default) this tab only, until it is closed
//                         "local"   this browser, for a day after the last message
//                         "none"    this page only: a reload or another page starts afresh

import { primaryColor } from "./color.js";

const DEFAULT_SERVER = "http://localhost:5005";
// Not "local" by default: on a shared computer the next person would see the conversation.
const STORAGE_MODES = ["session", "local", "none"];

function serverUrl(value) {
  try {
    const url = new URL(value || DEFAULT_SERVER, window.location.href);
    if (url.protocol === "http:" || url.protocol === "https:") {
      return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    }
  } catch {
    // not a URL: the default below
  }
  return DEFAULT_SERVER;
}

export function storageMode(value) {
  const mode = String(value || "")
    .trim()
    .toLowerCase();
  return STORAGE_MODES.includes(mode) ? mode : STORAGE_MODES[0];
}

export function readConfig(script) {
  const data = (script && script.dataset) || {};
  const clinicName = (data.clinicName || "").trim() || "the clinic";
  const greeting =
    (data.greeting || "").trim() ||
    `Hello! Ask me how your neck can cause headaches, or how to reach ${clinicName}.`;
  return {
    serverUrl: serverUrl(data.serverUrl),
    clinicName,
    clinicPhone: (data.clinicPhone || "").trim(),
    primaryColor: primaryColor(data.primaryColor),
    greeting,
    storage: storageMode(data.storage),
  };
}
