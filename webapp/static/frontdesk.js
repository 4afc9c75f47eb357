/* Front-desk console: polls the handoffs, renders them, claims/closes/hands them back, and
 * runs the "Screen a caller" chat. Every piece of patient text goes into the page through
 * textContent (never innerHTML), and the page's CSP allows no inline script. */
"use strict";

(function () {
  const root = document.getElementById("console");
  if (!root) return;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const pollMs = Number(root.dataset.pollMs) || 5000;
  const timeZone = root.dataset.timezone || undefined;
  const emergencyNumber = root.dataset.emergencyNumber || "";
  const list = document.getElementById("handoff-list");
  const template = document.getElementById("handoff-template");
  const announcer = document.getElementById("announcer");
  const connection = document.getElementById("connection");

  const KIND = { booking: "Booking request", human: "Asked for a person" };
  const CHANNEL = {
    rest: "Website chat (REST)",
    socketio: "Website chat",
    slack: "Slack",
    facebook: "Facebook Messenger",
    frontdesk: "Front desk (phone)",
  };
  const CRITERIA = [
    ["fitted", "Fits"],
    ["not_fitted", "Does not fit"],
    ["unknown", "Not known yet"],
    ["clinic_only", "To check in the clinic"],
  ];

  const cards = new Map(); // id -> {node, signature}
  const openTranscripts = new Set(); // ids whose transcript is expanded
  const actionMessages = new Map(); // id -> last message about a button press
  const busy = new Set(); // ids with a button press on its way
  let known = null; // ids seen so far (null until the first load)
  let timer = null;

  /* ---------- helpers ---------- */

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function field(node, name) {
    return node.querySelector('[data-field="' + name + '"]');
  }

  function showRow(node, name, visible) {
    const row = node.querySelector('[data-row="' + name + '"]');
    if (row) row.hidden = !visible;
  }

  function absolute(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    if (isNaN(date)) return String(iso);
    try {
      return new Intl.DateTimeFormat("en-GB", {
        dateStyle: "medium", timeStyle: "short", timeZone: timeZone,
      }).format(date);
    } catch (err) {
      return date.toLocaleString();
    }
  }

  function relative(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date)) return "";
    const minutes = Math.round((Date.now() - date.getTime()) / 60000);
    if (minutes < 1) return "just now";
    if (minutes < 60) return minutes + " min ago";
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min ago";
    const days = Math.floor(hours / 24);
    return days === 1 ? "1 day ago" : days + " days ago";
  }

  function urgency(h) {
    const outcome = h.triage_outcome || "";
    const flagged = h.red_flags && h.red_flags.length > 0;
    if (outcome === "red_flag_emergency") return ["emergency", "⚠ Emergency red flag"];
    if (outcome === "red_flag_urgent" || flagged) return ["urgent", "⚠ Urgent red flag"];
    if (outcome === "consistent_with_cervicogenic") {
      return ["consistent", "Screening: fits a neck-related headache"];
    }
    if (outcome === "not_typical_cervicogenic") {
      return ["not-typical", "Screening: not typical of a neck-related headache"];
    }
    return ["none", "Not screened"];
  }

  function statusText(h) {
    if (h.status === "claimed") return "Claimed" + (h.claimed_by ? " by " + h.claimed_by : "");
    if (h.status === "done") return "Done" + (h.claimed_by ? " (" + h.claimed_by + ")" : "");
    return "New: nobody has claimed it yet";
  }

  function titleText(h) {
    const who = (h.contact && h.contact.name) || "name not given";
    return (KIND[h.kind] || h.kind) + ": " + who;
  }

  async function call(method, path, body) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new Error("The console cannot reach the web app. Check the connection.");
    }
    if (response.status === 401) {
      window.location.assign("/frontdesk/sign-in?expired");
      throw new Error("Your sign-in has ended.");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const message = data && typeof data.message === "string" ? data.message : null;
      throw new Error(message || "Something went wrong (" + response.status + "). Try again.");
    }
    return data;
  }

  /* ---------- one handoff card ---------- */

  function fillCriteria(container, criteria) {
    let any = false;
    for (const [key, label] of CRITERIA) {
      const items = (criteria && criteria[key]) || [];
      if (!items.length) continue;
      any = true;
      const group = el("div", null, "criteria-group criteria-" + key);
      group.appendChild(el("h5", label));
      const ul = el("ul");
      for (const item of items) ul.appendChild(el("li", item));
      group.appendChild(ul);
      container.appendChild(group);
    }
    return any;
  }

  function fillTranscript(node, h) {
    const transcript = Array.isArray(h.transcript) ? h.transcript : [];
    field(node, "transcript-summary").textContent =
      "Conversation (" + transcript.length + (transcript.length === 1 ? " message)" : " messages)");
    const ol = field(node, "transcript");
    for (const line of transcript) {
      const who = line.who === "user" ? "Patient" : "Assistant";
      const li = el("li", null, "line line-" + (line.who === "user" ? "user" : "bot"));
      li.appendChild(el("span", who + ": ", "who"));
      li.appendChild(el("span", line.text, "text"));
      if (line.at) li.appendChild(el("span", " (" + absolute(line.at) + ")", "muted"));
      ol.appendChild(li);
    }
    field(node, "conversation").textContent = "Conversation id: " + h.conversation_id;
    const details = node.querySelector("details");
    details.open = openTranscripts.has(h.id);
    details.addEventListener("toggle", function () {
      if (details.open) openTranscripts.add(h.id);
      else openTranscripts.delete(h.id);
    });
  }

  function fillContact(node, h) {
    const contact = h.contact || {};
    const phone = field(node, "phone");
    showRow(node, "phone", Boolean(contact.phone));
    if (contact.phone) {
      phone.textContent = contact.phone;
      phone.href = "tel:" + String(contact.phone).replace(/[^0-9+]/g, "");
    }
    const email = field(node, "email");
    showRow(node, "email", Boolean(contact.email));
    if (contact.email) {
      email.textContent = contact.email;
      email.href = "mailto:" + encodeURIComponent(contact.email).replace("%40", "@");
    }
  }

  function fillBooking(node, h) {
    const booking = h.booking;
    let text = "None booked: call the patient back to arrange a time.";
    if (booking && booking.start) {
      const system = booking.system === "cliniko" ? "Cliniko" : booking.system || "booking system";
      text = "Booked in " + system + " for " + absolute(booking.start);
      if (booking.appointment_id) text += " (appointment " + booking.appointment_id + ")";
    }
    field(node, "booking").textContent = text;
  }

  function fillActions(node, h) {
    const label = titleText(h);
    for (const button of node.querySelectorAll("[data-action]")) {
      const action = button.dataset.action;
      button.dataset.id = String(h.id);
      button.appendChild(el("span", " (" + label + ")", "visually-hidden"));
      if (action === "claimed") button.hidden = h.status !== "new";
      if (action === "done") button.hidden = h.status === "done";
      if (action === "hand-back") button.hidden = h.kind !== "human";
    }
    field(node, "action-status").textContent = actionMessages.get(h.id) || "";
  }

  function buildCard(h) {
    const node = template.content.firstElementChild.cloneNode(true);
    const [level, label] = urgency(h);
    node.dataset.id = String(h.id);
    node.classList.add("urgency-" + level, "status-" + h.status);
    const titleId = "handoff-" + h.id + "-title";
    const title = field(node, "title");
    title.id = titleId;
    title.textContent = titleText(h);
    node.querySelector("article").setAttribute("aria-labelledby", titleId);

    const badge = field(node, "badge");
    badge.textContent = label;
    badge.classList.add("badge-" + level);
    if (level === "emergency" || level === "urgent") {
      const advice = field(node, "advice");
      advice.hidden = false;
      advice.textContent =
        "Call this patient first." +
        (level === "emergency" && emergencyNumber
          ? " If they are in danger now, tell them to call " + emergencyNumber + "."
          : "");
    }
    field(node, "status").textContent = statusText(h);

    const flags = field(node, "red_flags");
    for (const flag of h.red_flags || []) flags.appendChild(el("li", flag));
    showRow(node, "red_flags", (h.red_flags || []).length > 0);

    const created = field(node, "created");
    created.dateTime = h.created_at || "";
    created.dataset.relative = h.created_at || "";
    created.textContent = relative(h.created_at) + " (" + absolute(h.created_at) + ")";

    field(node, "channel").textContent = CHANNEL[h.channel] || h.channel || "Unknown";
    fillContact(node, h);
    field(node, "preferred_times").textContent = h.preferred_times || "";
    showRow(node, "preferred_times", Boolean(h.preferred_times));
    field(node, "note").textContent = h.note || "";
    showRow(node, "note", Boolean(h.note));
    field(node, "consent").textContent = h.consent_at ? absolute(h.consent_at) : "Not recorded";
    fillBooking(node, h);

    field(node, "summary").textContent = h.summary || "";
    showRow(node, "summary", Boolean(h.summary));
    showRow(node, "criteria", fillCriteria(field(node, "criteria"), h.criteria));
    fillTranscript(node, h);
    fillActions(node, h);
    return node;
  }

  /* ---------- the list ---------- */

  function focusInfo() {
    const active = document.activeElement;
    const card = active && active.closest ? active.closest(".handoff") : null;
    if (!card) return null;
    return {
      id: card.dataset.id,
      action: active.dataset.action || null,
      field: active.dataset.field || null,
      node: active,
    };
  }

  function restoreFocus(info) {
    if (!info || document.activeElement === info.node) return;
    if (info.node.isConnected) {
      info.node.focus();
      return;
    }
    const entry = cards.get(Number(info.id));
    if (!entry) {
      document.getElementById("handoffs-heading").focus();
      return;
    }
    // The same control if it is still offered, else the next step (Claim -> Mark done), else
    // the card's title: keyboard users never lose their place when a card is re-drawn.
    const candidates = [];
    if (info.action) candidates.push('[data-action="' + info.action + '"]');
    if (info.action === "claimed") candidates.push('[data-action="done"]');
    if (info.field) candidates.push('[data-field="' + info.field + '"]');
    for (const selector of candidates) {
      const control = entry.node.querySelector(selector);
      if (control && control.offsetParent !== null) {
        control.focus();
        return;
      }
    }
    entry.node.querySelector(".card-title").focus();
  }

  function render(handoffs) {
    const focus = focusInfo();
    const seen = new Set();
    handoffs.forEach(function (h, index) {
      seen.add(h.id);
      const signature = JSON.stringify(h);
      let entry = cards.get(h.id);
      if (!entry || entry.signature !== signature) {
        const node = buildCard(h);
        if (entry) entry.node.replaceWith(node);
        entry = { node: node, signature: signature };
        cards.set(h.id, entry);
      }
      const at = list.children[index];
      if (at !== entry.node) list.insertBefore(entry.node, at || null);
    });
    for (const [id, entry] of cards) {
      if (!seen.has(id)) {
        entry.node.remove();
        cards.delete(id);
      }
    }
    for (const time of list.querySelectorAll("time[data-relative]")) {
      time.textContent = relative(time.dataset.relative) + " (" + absolute(time.dataset.relative) + ")";
    }
    restoreFocus(focus);
    document.getElementById("loading").hidden = true;
    document.getElementById("empty").hidden = handoffs.length > 0;
    const open = handoffs.filter(function (h) { return h.status !== "done"; }).length;
    document.getElementById("counts").textContent = "(" + open + " open)";
    announceNew(handoffs);
  }

  function announceNew(handoffs) {
    const fresh = known === null ? [] : handoffs.filter(function (h) { return !known.has(h.id); });
    known = new Set(handoffs.map(function (h) { return h.id; }));
    if (!fresh.length) return;
    const parts = fresh.map(function (h) { return urgency(h)[1] + ", " + titleText(h); });
    announcer.textContent =
      (fresh.length === 1 ? "New handoff: " : fresh.length + " new handoffs: ") + parts.join("; ");
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const data = await call("GET", "/frontdesk/data");
      render(data.handoffs || []);
      connection.textContent = "";
      connection.classList.remove("problem");
    } catch (err) {
      connection.textContent = err.message + " Retrying…";
      connection.classList.add("problem");
    } finally {
      timer = setTimeout(refresh, pollMs);
    }
  }

  /* ---------- buttons on the cards ---------- */

  list.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const id = Number(button.dataset.id);
    const action = button.dataset.action;
    if (busy.has(id)) return; // not `disabled`: that would drop the keyboard focus
    busy.add(id);
    button.setAttribute("aria-busy", "true");
    try {
      if (action === "hand-back") {
        const data = await call("POST", "/frontdesk/handoffs/" + id + "/hand-back");
        actionMessages.set(id, data.message);
      } else {
        await call("POST", "/frontdesk/handoffs/" + id + "/status", { status: action });
        actionMessages.set(id, action === "done" ? "Marked done." : "Claimed by you.");
      }
    } catch (err) {
      actionMessages.set(id, err.message);
    }
    busy.delete(id);
    button.removeAttribute("aria-busy");
    const entry = cards.get(id);
    if (entry) field(entry.node, "action-status").textContent = actionMessages.get(id);
    if (entry) entry.signature = ""; // rebuild with the new message and state
    await refresh();
  });

  /* ---------- screen a caller ---------- */

  const screenLog = document.getElementById("screen-log");
  const screenForm = document.getElementById("screen-form");
  const screenInput = document.getElementById("screen-input");
  const screenStatus = document.getElementById("screen-status");

  function logLine(who, text) {
    const li = el("li", null, "line line-" + who);
    li.appendChild(el("span", (who === "user" ? "Caller" : "Assistant") + ": ", "who"));
    li.appendChild(el("span", text, "text"));
    screenLog.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
    return li;
  }

  function logButtons(buttons) {
    const li = el("li", null, "line line-buttons");
    const group = el("div", null, "reply-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Answers the assistant offers");
    for (const choice of buttons) {
      const button = el("button", choice.title, "button");
      button.type = "button";
      button.addEventListener("click", function () {
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        send(choice.payload || choice.title, choice.title);
      });
      group.appendChild(button);
    }
    li.appendChild(group);
    screenLog.appendChild(li);
  }

  async function send(message, shown) {
    logLine("user", shown || message);
    screenStatus.textContent = "Waiting for the assistant…";
    try {
      const data = await call("POST", "/frontdesk/caller/message", { message: message });
      screenStatus.textContent = "";
      for (const reply of data.replies || []) {
        if (reply.text) logLine("bot", reply.text);
        if (reply.buttons && reply.buttons.length) logButtons(reply.buttons);
      }
      if (!(data.replies || []).length) screenStatus.textContent = "The assistant sent no reply.";
    } catch (err) {
      screenStatus.textContent = err.message;
    }
    refresh(); // the screening may just have saved a handoff
  }

  screenForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const message = screenInput.value.trim();
    if (!message) {
      screenStatus.textContent = "Type the caller's answer first.";
      return;
    }
    screenInput.value = "";
    send(message);
  });

  document.getElementById("new-caller").addEventListener("click", async function () {
    try {
      await call("POST", "/frontdesk/caller/new");
      screenLog.replaceChildren();
      screenStatus.textContent = "New caller: start with their first answer, or say hello.";
      screenInput.focus();
    } catch (err) {
      screenStatus.textContent = err.message;
    }
  });

  refresh();
})();
