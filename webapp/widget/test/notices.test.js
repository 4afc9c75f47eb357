// The status line's notices: unreachable says how else to reach the clinic.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readConfig } from "../src/config.js";
import { noticeTokens, telHref } from "../src/notices.js";

test("unreachable names the clinic and links its phone number", () => {
  const tokens = noticeTokens("unreachable", {
    clinicName: "Wrenfield Physiotherapy",
    clinicPhone: "020 7946 0000",
  });
  const text = tokens.map((t) => t.text).join("");
  assert.match(text, /^Can't reach the assistant right now\./);
  assert.match(text, /To talk to Wrenfield Physiotherapy, call 020 7946 0000\./);
  assert.deepEqual(
    tokens.filter((t) => t.href),
    [{ text: "020 7946 0000", href: "tel:02079460000" }],
  );
  assert.match(text, /Anything you type is sent when it's back\.$/);
});

test("unreachable without a phone number still says so, with no link", () => {
  for (const phone of ["", undefined, "  ", "call us"]) {
    const tokens = noticeTokens("unreachable", { clinicName: "X", clinicPhone: phone });
    assert.equal(tokens.length, 1, String(phone));
    assert.match(tokens[0].text, /^Can't reach the assistant right now\. Please try again later/);
  }
});

test("other states are one line of text; an unknown one reads as reconnecting", () => {
  assert.deepEqual(noticeTokens("connecting"), [{ text: "Connecting to the assistant…" }]);
  assert.deepEqual(noticeTokens("back"), [{ text: "Reconnected." }]);
  assert.deepEqual(noticeTokens("whatever"), [{ text: "Connection lost. Reconnecting…" }]);
});

test("tel links keep the digits and one leading plus", () => {
  assert.equal(telHref("+44 (0)20 7946-0000"), "tel:+4402079460000");
  assert.equal(telHref("(555) 123-4567"), "tel:5551234567");
  assert.equal(telHref("12+34"), "tel:1234");
  assert.equal(telHref(""), null);
});

test("the page passes the phone number in data-clinic-phone", () => {
  assert.equal(readConfig({ dataset: { clinicPhone: " 020 7946 0000 " } }).clinicPhone, "020 7946 0000");
  assert.equal(readConfig({ dataset: {} }).clinicPhone, "");
});
