// Links in bot text: real links for web addresses, emails and phone numbers; nothing else links.
import assert from "node:assert/strict";
import { test } from "node:test";
import { linkify, safeHref } from "../src/linkify.js";

const links = (text) => linkify(text).filter((t) => t.href);

test("web addresses, emails and phone numbers become links, the words around stay text", () => {
  assert.deepEqual(linkify("Book at https://example.org/book."), [
    { text: "Book at " },
    { text: "https://example.org/book", href: "https://example.org/book" },
    { text: "." },
  ]);
  assert.deepEqual(links("You can call us on 020 7946 0000 or email frontdesk@example.org."), [
    { text: "020 7946 0000", href: "tel:02079460000" },
    { text: "frontdesk@example.org", href: "mailto:frontdesk@example.org" },
  ]);
  assert.deepEqual(links("NHS 111 (call 111 or go to 111.nhs.uk) or your GP today"), [
    { text: "111", href: "tel:111" },
    { text: "111.nhs.uk", href: "https://111.nhs.uk/" },
  ]);
  assert.deepEqual(links("Please call 999 now or go to A&E."), [{ text: "999", href: "tel:999" }]);
  assert.deepEqual(links("see www.example.org/a_b (our page)"), [
    { text: "www.example.org/a_b", href: "https://www.example.org/a_b" },
  ]);
});

test("numbers that are not phone numbers stay text", () => {
  assert.deepEqual(links("A first assessment (45 minutes) is £65, 2 to 3 times a week."), []);
  assert.deepEqual(links("Our hours are 08:00-19:00 on weekdays"), []);
});

test("script and data URLs never link", () => {
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref("data:text/html,<b>x</b>"), null);
  assert.deepEqual(links("javascript:alert(1) and data:text/html,hi"), []);
  assert.deepEqual(linkify("<img src=x onerror=alert(1)>"), [
    { text: "<img src=x onerror=alert(1)>" },
  ]);
});
