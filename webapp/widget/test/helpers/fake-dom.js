// Just enough of the DOM for the widget's element builders (dom.js, render.js, feedback.js):
// elements with attributes, children, text, click listeners and simple selectors
// (".class", "tag", "[attr]", "[attr=value]").

class Text {
  constructor(text) {
    this.textContent = String(text);
  }
}

class Element {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.childNodes = [];
    this.listeners = {};
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  removeAttribute(name) {
    this.attributes.delete(name);
  }
  append(...nodes) {
    for (const node of nodes) {
      this.childNodes.push(typeof node === "string" ? new Text(node) : node);
    }
  }
  get children() {
    return this.childNodes.filter((n) => n instanceof Element);
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join("");
  }
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  click() {
    for (const listener of this.listeners.click || []) listener({ type: "click", target: this });
  }
  matches(selector) {
    if (selector.startsWith(".")) {
      return (this.getAttribute("class") || "").split(/\s+/).includes(selector.slice(1));
    }
    const attr = /^\[([\w-]+)(?:="?([^"\]]*)"?)?\]$/.exec(selector);
    if (attr && attr[2] === undefined) return this.attributes.has(attr[1]);
    if (attr) return this.getAttribute(attr[1]) === attr[2];
    return this.tagName === selector.toUpperCase();
  }
  querySelectorAll(selector) {
    const found = [];
    const walk = (node) => {
      for (const child of node.children) {
        if (child.matches(selector)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }
  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
}

/** Installs the fake as globalThis.document. */
export function installFakeDom() {
  globalThis.document = {
    createElement: (tag) => new Element(tag),
    createElementNS: (_ns, tag) => new Element(tag),
    createTextNode: (text) => new Text(text),
  };
}

/** The accessible name of a button the way the widget builds them: its text, minus what is
 * aria-hidden (the icons). */
export function nameOf(node) {
  if (node.getAttribute("aria-label")) return node.getAttribute("aria-label");
  const text = (n) => {
    if (!(n instanceof Element)) return n.textContent;
    return n.getAttribute("aria-hidden") === "true" ? "" : n.childNodes.map(text).join("");
  };
  return text(node).trim();
}
