// What the status line says about the link to the assistant, as [{text}] and [{text, href}]
// tokens like linkify's. Pure (no DOM) so it is unit-tested in Node.

const NOTICES = {
  connecting: "Connecting to the assistant…",
  reconnecting: "Connection lost. Reconnecting…",
  offline: "You're offline. Reconnecting when your connection is back…",
  back: "Reconnected.",
};
const STILL_TRYING = "Anything you type is sent when it's back.";

/** A phone number as a tel: link target: its digits, and a leading + if it has one. */
export function telHref(phone) {
  const digits = String(phone || "").replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  return digits.replace(/\D/g, "").length >= 3 ? `tel:${digits}` : null;
}

/**
 * The notice for a connection state. "unreachable" (a few failed tries) says how else to reach
 * the clinic: its phone number as a link when the page gave one (data-clinic-phone).
 */
export function noticeTokens(state, { clinicName = "the clinic", clinicPhone = "" } = {}) {
  if (state !== "unreachable") return [{ text: NOTICES[state] || NOTICES.reconnecting }];
  const href = telHref(clinicPhone);
  if (!href) {
    return [{ text: `Can't reach the assistant right now. Please try again later. ${STILL_TRYING}` }];
  }
  return [
    { text: `Can't reach the assistant right now. To talk to ${clinicName}, call ` },
    { text: clinicPhone.trim(), href },
    { text: `. ${STILL_TRYING}` },
  ];
}
