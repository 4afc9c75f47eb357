// data-storage: the conversation stays in this tab unless the page asks otherwise.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readConfig, storageMode } from "../src/config.js";

test("storage is per tab unless the page asks for local or none", () => {
  assert.equal(readConfig({ dataset: {} }).storage, "session");
  assert.equal(readConfig({ dataset: { storage: "local" } }).storage, "local");
  assert.equal(readConfig({ dataset: { storage: " None " } }).storage, "none");
  assert.equal(readConfig(null).storage, "session");
});

test("an unknown storage falls back to the tab, never to localStorage", () => {
  for (const value of ["cookies", "localStorage", "", undefined, "local none"]) {
    assert.equal(storageMode(value), "session", value);
  }
});
