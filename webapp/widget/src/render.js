// One history entry to its element in the log: text with line breaks and safe links, quick
// replies as real buttons, the outcome as a card, emergency and urgent messages standing out
// by a heading, an icon and a border (never by colour alone), "Helpful" / "Not helpful" under
// an answer (before its quick replies, which stay the last thing before the message box).

import { el, icon } from "./dom.js";
import { feedbackElement, rateable } from "./feedback.js";
import { linkify } from "./linkify.js";

const CARDS = {
  emergency: { title: "Emergency: get help now", icon: "warning" },
  urgent: { title: "Urgent: see a doctor today", icon: "clock" },
  outcome: { title: "Your screening result", icon: "result" },
};
const NOTES = {
  queued: "Not sent yet: it will be sent when the connection is back.",
  unconfirmed: "This message may not have reached the assistant.",
};

/** [{text}] and [{text, href}] tokens (linkify's, the notices') as text nodes and links. */
export function tokenNodes(tokens) {
  return tokens.map(({ text, href }) => {
    if (!href) return document.createTextNode(text);
    const web = href.startsWith("http");
    return el("a", { href, target: web && "_blank", rel: web && "noopener noreferrer" }, text);
  });
}

const lineNodes = (line) => tokenNodes(linkify(line));

/** Paragraphs at blank lines, <br> at single line breaks. */
export function textBlock(text) {
  const block = el("div", { class: "ccw-text" });
  for (const paragraph of String(text).trim().split(/\n\s*\n/)) {
    const p = el("p");
    paragraph.split("\n").forEach((line, index) => {
      if (index) p.append(el("br"));
      p.append(...lineNodes(line));
    });
    block.append(p);
  }
  return block;
}

/** Quick replies as real buttons (a tap target of 44 px, see .ccw-choice). */
export function choicesElement(buttons, onChoose) {
  const group = el("div", { class: "ccw-buttons", role: "group", "aria-label": "Quick replies" });
  for (const button of buttons) {
    const choice = el("button", { type: "button", class: "ccw-choice" }, button.title);
    choice.addEventListener("click", () => onChoose(button));
    group.append(choice);
  }
  return group;
}

function botElement(entry, onChoose, onRate) {
  const card = CARDS[entry.kind];
  const node = el("div", {
    class: `bot-message${card ? ` ccw-card ccw-${entry.kind}` : ""}`,
    "data-id": entry.id,
    "data-kind": card ? entry.kind : null,
    "data-outcome": entry.outcome || null,
  });
  node.append(el("span", { class: "ccw-sr" }, "Assistant: "));
  if (card) node.append(el("h3", { class: "ccw-card-title" }, icon(card.icon), card.title));
  node.append(textBlock(entry.text));
  if (rateable(entry) && onRate) {
    node.append(feedbackElement(entry, (value) => onRate(entry, value)));
  }
  if (entry.buttons && entry.buttons.length && !entry.answered) {
    node.append(choicesElement(entry.buttons, (button) => onChoose(entry, button)));
  }
  return node;
}

/** The line under a user message that is not (known to be) delivered, or null. */
export function noteElement(entry, onRetry) {
  const note = NOTES[entry.status];
  if (!note) return null;
  const line = el("p", { class: "ccw-note" }, note);
  if (entry.status === "unconfirmed") {
    const again = el("button", { type: "button", class: "ccw-retry" }, "Send again");
    again.addEventListener("click", () => onRetry(entry));
    line.append(" ", again);
  }
  return line;
}

function userElement(entry, onRetry) {
  return el(
    "div",
    { class: "user-message", "data-id": entry.id },
    el("span", { class: "ccw-sr" }, "You: "),
    textBlock(entry.text),
    noteElement(entry, onRetry),
  );
}

export function entryElement(entry, { onChoose, onRetry, onRate }) {
  return entry.from === "bot" ? botElement(entry, onChoose, onRate) : userElement(entry, onRetry);
}
