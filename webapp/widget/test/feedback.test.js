// "Helpful" / "Not helpful" under each answer: which messages get them, their names and state,
// one choice per answer, and a choice drawn again from the stored conversation.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { THANKS, rateable } from "../src/feedback.js";
import { entryElement } from "../src/render.js";
import { installFakeDom, nameOf } from "./helpers/fake-dom.js";

const TEXT = "Posture can load the neck.";
const answer = (extra = {}) => ({ id: "b1", from: "bot", text: TEXT, ...extra });

let rated;
const handlers = {
  onChoose: () => {},
  onRetry: () => {},
  onRate: (entry, value) => rated.push([entry.id, value]),
};
const draw = (entry) => entryElement(entry, handlers);
const rateButtons = (node) => node.querySelectorAll(".ccw-rate");
const named = (node, name) => rateButtons(node).find((b) => nameOf(b) === name);

beforeEach(() => {
  installFakeDom();
  rated = [];
});

test("an answer has two buttons named Helpful and Not helpful, neither pressed", () => {
  const node = draw(answer());
  assert.ok(node.matches(".bot-message")); // still the log's child the contract names
  const buttons = rateButtons(node);
  assert.deepEqual(buttons.map(nameOf), ["Helpful", "Not helpful"]);
  for (const button of buttons) {
    assert.equal(button.tagName, "BUTTON");
    assert.equal(button.getAttribute("type"), "button");
    assert.equal(button.getAttribute("aria-pressed"), "false");
    assert.equal(button.getAttribute("aria-disabled"), null);
  }
  assert.doesNotMatch(node.textContent, /Thanks/);
});

test("a press: pressed, final, thanked, and the rating passed on once", () => {
  const node = draw(answer());
  named(node, "Not helpful").click();
  assert.deepEqual(rated, [["b1", "not_helpful"]]);
  assert.equal(named(node, "Not helpful").getAttribute("aria-pressed"), "true");
  assert.equal(named(node, "Helpful").getAttribute("aria-pressed"), "false");
  for (const button of rateButtons(node)) {
    assert.equal(button.getAttribute("aria-disabled"), "true");
  }
  assert.equal(node.querySelector(".ccw-rate-thanks").textContent, THANKS);

  named(node, "Helpful").click(); // no change of mind, no second count
  named(node, "Not helpful").click();
  assert.deepEqual(rated, [["b1", "not_helpful"]]);
  assert.equal(node.querySelectorAll(".ccw-rate-thanks").length, 1);
});

test("a stored choice is drawn again as made", () => {
  const node = draw(answer({ rating: "helpful" }));
  assert.equal(named(node, "Helpful").getAttribute("aria-pressed"), "true");
  assert.equal(named(node, "Not helpful").getAttribute("aria-disabled"), "true");
  assert.match(node.textContent, /Thanks for your feedback\./);
  named(node, "Not helpful").click();
  assert.deepEqual(rated, []);
});

test("the buttons come before the quick replies, which stay last", () => {
  const node = draw(answer({ buttons: [{ title: "Book", payload: "/book_appointment" }] }));
  const kinds = node.children.map((c) => c.getAttribute("class"));
  assert.deepEqual(kinds.slice(-2), ["ccw-feedback", "ccw-buttons"]);
});

test("urgent and outcome cards are answers too; the emergency alert is not", () => {
  assert.equal(rateButtons(draw(answer({ kind: "urgent" }))).length, 2);
  assert.equal(rateButtons(draw(answer({ kind: "outcome", outcome: "x" }))).length, 2);
  assert.equal(rateButtons(draw(answer({ kind: "emergency" }))).length, 0);
  const mine = { id: "u1", from: "user", text: "hi", status: "delivered" };
  assert.equal(rateButtons(draw(mine)).length, 0);
  assert.equal(rateButtons(draw(answer({ noRating: true }))).length, 0); // "forget me" done
  assert.equal(rateable(answer({ text: "  " })), false); // buttons only: nothing to rate
});
