// The clinic's colour carries white text: below WCAG AA it falls back to the default.
import assert from "node:assert/strict";
import { test } from "node:test";
import { contrast, DEFAULT_PRIMARY, parseHex, primaryColor } from "../src/color.js";

test("contrast ratios match WCAG's", () => {
  assert.equal(contrast([0, 0, 0], [255, 255, 255]).toFixed(1), "21.0");
  assert.ok(contrast(parseHex(DEFAULT_PRIMARY), [255, 255, 255]) >= 4.5);
});

test("a dark enough colour is kept, a light or invalid one falls back", () => {
  assert.equal(primaryColor("#0B5F6B"), "#0b5f6b");
  assert.equal(primaryColor("#036"), "#003366");
  assert.equal(primaryColor("#ffff00"), DEFAULT_PRIMARY);
  assert.equal(primaryColor("#4da6ff"), DEFAULT_PRIMARY);
  assert.equal(primaryColor("red; background:url(x)"), DEFAULT_PRIMARY);
  assert.equal(primaryColor(undefined), DEFAULT_PRIMARY);
});
