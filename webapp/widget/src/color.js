// Colour contrast (WCAG 2.x): the clinic's primary colour is used for white text (the launcher,
// the header, the user's messages), so a colour below AA against white falls back to the default.

export const DEFAULT_PRIMARY = "#0b5f6b";
const WHITE = [255, 255, 255];
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** [r, g, b] of "#rgb" or "#rrggbb", or null for anything else (names, rgb(), url(...)). */
export function parseHex(value) {
  const text = String(value || "").trim();
  if (!HEX.test(text)) return null;
  const hex = text.length === 4 ? [...text.slice(1)].map((c) => c + c).join("") : text.slice(1);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function linear(channel) {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]) {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** The configured colour as "#rrggbb" if white text on it meets AA (4.5:1), else the default. */
export function primaryColor(value) {
  const rgb = parseHex(value);
  if (!rgb || contrast(rgb, WHITE) < 4.5) return DEFAULT_PRIMARY;
  return `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}
