// Bot text to plain-text and link tokens. Pure (no DOM) so it is unit-tested in Node; the widget
// turns tokens into text nodes and <a> elements, never into HTML, and only these schemes link.

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
const TOKEN = new RegExp(
  [
    String.raw`(?<url>\b(?:https?:\/\/|www\.)[^\s<>"']+)`,
    String.raw`(?<mailto>\bmailto:[^\s<>"']+)`,
    String.raw`(?<tel>\btel:\+?[\d()-]+)`,
    String.raw`(?<email>\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b)`,
    String.raw`(?<domain>\b(?:[a-z0-9-]+\.)+(?:uk|org|com|net|gov|au|ca|eu|ie|nz)\b(?:\/[^\s<>"']*)?)`,
    String.raw`(?<phone>(?:\+\d|\b0|\b1[38]00)[\d ()-]{6,16}\d)`,
    // short emergency and advice lines, only after "call"/"dial"/"ring"/"on": "call 999"
    String.raw`(?<lead>\b(?:call|dial|ring|on)\s+)(?<short>999|911|112|000|111|811)\b`,
  ].join("|"),
  "gi",
);
const TRAILING = /[.,;:!?'"]+$/;

function trimEnd(match) {
  let core = match.replace(TRAILING, "");
  if (core.endsWith(")") && !core.includes("(")) core = core.slice(0, -1).replace(TRAILING, "");
  return core;
}

function hrefOf(groups, core) {
  if (groups.url) return core.startsWith("www.") ? `https://${core}` : core;
  if (groups.domain) return `https://${core}`;
  if (groups.mailto) return core;
  if (groups.email) return `mailto:${core}`;
  const digits = core.replace(/^tel:/i, "").replace(/[^\d+]/g, "");
  if (groups.phone) return digits.replace(/\D/g, "").length >= 8 ? `tel:${digits}` : null;
  return `tel:${digits}`;
}

/** A safe absolute href, or null: only http(s), mailto and tel survive. */
export function safeHref(href) {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** [{text}] and [{text, href}] tokens of one line of text. */
export function linkify(line) {
  const tokens = [];
  let last = 0;
  const push = (text, href) => {
    if (!text) return;
    const prev = tokens[tokens.length - 1];
    if (!href && prev && !prev.href) prev.text += text;
    else tokens.push(href ? { text, href } : { text });
  };
  for (const match of String(line).matchAll(TOKEN)) {
    const groups = match.groups;
    const start = match.index + (groups.lead ? groups.lead.length : 0);
    const core = groups.short || trimEnd(match[0]);
    const href = core ? safeHref(hrefOf(groups, core)) : null;
    if (!href) continue;
    push(line.slice(last, start));
    push(core, href);
    last = start + core.length;
  }
  push(String(line).slice(last));
  return tokens;
}
