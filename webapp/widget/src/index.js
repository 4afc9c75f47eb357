// Entry point of widget.js: one <script src=".../static/widget.js" data-...> tag adds the chat.

import { readConfig } from "./config.js";
import css from "./widget.css";
import { createWidget } from "./widget.js";

// Only defined while this script runs for the first time (also with defer), so read it now.
const script = document.currentScript || document.querySelector("script[data-server-url]");

function start() {
  if (document.querySelector(".ccw-root")) return; // the tag was added twice
  createWidget(readConfig(script), css);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
