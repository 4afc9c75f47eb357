// "Was this helpful?" under each answer (issue 29): two toggle buttons named "Helpful" and
// "Not helpful", one choice per answer. The choice is final: it is counted in the clinic's
// insights at once and a "Not helpful" puts the question in the staff's review queue, so there
// is nothing to take back. The buttons stay where they are once pressed (aria-disabled, not
// disabled, which would drop the keyboard focus), and a short thanks is added: inside the
// role="log" it is announced like any new line of the chat.

import { el, icon } from "./dom.js";

export const CHOICES = [
  { value: "helpful", name: "Helpful", icon: "thumbUp" },
  { value: "not_helpful", name: "Not helpful", icon: "thumbDown" },
];
export const RATINGS = new Set(CHOICES.map((c) => c.value));
export const THANKS = "Thanks for your feedback.";

/**
 * Whether a bot message gets the buttons: any answer with text, except the emergency alert
 * (calling 999 is the one thing to do there, nothing should sit beside it) and an entry marked
 * noRating (a message before the person's first one, or "forget me" done: the server has
 * nothing to rate it against).
 */
export function rateable(entry) {
  return (
    entry.from === "bot" &&
    entry.kind !== "emergency" &&
    !entry.noRating &&
    typeof entry.text === "string" &&
    entry.text.trim() !== ""
  );
}

/** Shows `value` as the choice made: pressed, both buttons done, and the thanks. */
export function markRated(group, value) {
  for (const button of group.querySelectorAll(".ccw-rate")) {
    button.setAttribute("aria-pressed", String(button.getAttribute("data-value") === value));
    button.setAttribute("aria-disabled", "true");
  }
  if (!group.querySelector(".ccw-rate-thanks")) {
    group.append(el("span", { class: "ccw-rate-thanks" }, THANKS));
  }
}

/** The two buttons for `entry`; onRate(value) when one is pressed the first time. */
export function feedbackElement(entry, onRate) {
  const group = el("div", {
    class: "ccw-feedback",
    role: "group",
    "aria-label": "Rate this answer",
  });
  for (const choice of CHOICES) {
    const button = el(
      "button",
      { type: "button", class: "ccw-rate", "data-value": choice.value, "aria-pressed": "false" },
      icon(choice.icon),
      el("span", { class: "ccw-sr" }, choice.name),
    );
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return; // one choice per answer
      markRated(group, choice.value);
      onRate(choice.value);
    });
    group.append(button);
  }
  if (RATINGS.has(entry.rating)) markRated(group, entry.rating);
  return group;
}
