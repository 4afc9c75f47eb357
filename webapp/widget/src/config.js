// The embedding <script> tag's data-* attributes: data-server-url, data-clinic-name,
// data-primary-color, data-greeting. Anything missing or unusable gets a safe default.

import { primaryColor } from "./color.js";

const DEFAULT_SERVER = "http://localhost:5005";

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

export function readConfig(script) {
  const data = (script && script.dataset) || {};
  const clinicName = (data.clinicName || "").trim() || "the clinic";
  const greeting =
    (data.greeting || "").trim() ||
    `Hello! Ask me how your neck can cause headaches, or how to reach ${clinicName}.`;
  return {
    serverUrl: serverUrl(data.serverUrl),
    clinicName,
    primaryColor: primaryColor(data.primaryColor),
    greeting,
  };
}
