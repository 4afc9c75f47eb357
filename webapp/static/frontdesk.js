/* Front-desk console: polls one page of handoffs (filters, order and page in the address, so a
 * reload keeps them), says what the page leaves out, renders the cards in the words the server
 * chose, claims/closes/hands them back, and runs the "Screen a caller" chat. Every piece of patient text goes into the page through
 * textContent (never innerHTML), and the page's CSP allows no inline script. */
"use strict";

(function () {
  const root = document.getElementById("console");
  if (!root) return;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const pollMs = Number(root.dataset.pollMs) || 5000;
  const timeZone = root.dataset.timezone || undefined;
  const list = document.getElementById("handoff-list");
  const template = document.getElementById("handoff-template");
  const announcer = document.getElementById("announcer");
  const connection = document.getElementById("connection");
  const filters = document.getElementById("filters");
  const FILTERS = ["q", "status", "kind", "level", "day", "order"];
  const DEFAULT_FILTERS = { q: "", status: "working", kind: "", level: "", day: "", order: "urgency" };
  const state = Object.assign({}, DEFAULT_FILTERS, { offset: 0 });
  let lastPage = null; // the last answer: total, offset, limit

  const KIND_WORDS = { booking: "Booking requests", human: "Asked for a person or red flag" };
  const LEVEL_WORDS = {
    emergency: "Emergency red flags",
    urgent: "Urgent red flags",
    consistent: "Screening: fits",
    not_typical: "Screening: not typical",
    none: "Not screened",
  };
  const STATUS_WORDS = {
    working: "in the working list",
    open: "open",
    new: "new",
    claimed: "claimed",
    done: "done",
    all: "in all",
  };
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
    return h.card.title;
  }

  function number(n) {
    return Number(n).toLocaleString("en-GB");
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
      // a red flag's record silenced nothing: only a request for a person is handed back
      if (action === "hand-back") button.hidden = h.kind !== "human" || h.card.origin === "red_flag";
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
    if (h.card.first_step) {
      const advice = field(node, "advice");
      advice.hidden = false;
      advice.textContent = h.card.first_step;
    }
    field(node, "status").textContent = statusText(h);

    const flags = field(node, "red_flags");
    for (const flag of h.card.flags) {
      const li = el("li", flag.label, "flag");
      if (flag.reason) li.appendChild(el("span", " " + flag.reason, "flag-reason"));
      flags.appendChild(li);
    }
    showRow(node, "red_flags", h.card.flags.length > 0);
    field(node, "contact-line").textContent = h.card.contact;
    field(node, "contact-line").classList.toggle("no-contact", !h.card.reachable);
    field(node, "told").textContent = h.card.told;
    field(node, "told-source").textContent =
      h.card.told_source === "level"
        ? "The assistant's advice for this urgency; the saved conversation ends before it was sent."
        : h.card.told_source === "conversation" ? "Its last advice in the conversation." : "";
    showRow(node, "told", Boolean(h.card.told));

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
    field(node, "consent").textContent = h.card.consent;
    fillBooking(node, h);
    showRow(node, "booking", h.card.origin !== "red_flag");

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
  }

  /* ---------- what the page leaves out ---------- */

  function filtered() {
    return FILTERS.some(function (name) {
      return name !== "order" && state[name] !== DEFAULT_FILTERS[name];
    });
  }

  function showCounts(data) {
    const counts = data.counts || { status: {}, kind: {}, level: {} };
    const shown = data.handoffs.length;
    const open = (counts.status.new || 0) + (counts.status.claimed || 0);
    document.getElementById("counts").textContent = "(" + number(open) + " open)";
    const empty = document.getElementById("empty");
    empty.hidden = shown > 0;
    empty.textContent = filtered() ? "No handoffs match these filters." : "No handoffs yet.";
    const from = shown ? data.offset + 1 : 0;
    let text = shown
      ? "Showing " + number(from) + "–" + number(data.offset + shown) + " of " +
        number(data.total) + " " + STATUS_WORDS[state.status] + "."
      : "";
    const emergencies = counts.level.emergency || 0;
    if (emergencies && state.level !== "emergency") {
      text += " " + number(emergencies) + (emergencies === 1 ? " emergency." : " emergencies.");
    }
    document.getElementById("page-summary").textContent = text;
    showFacets(counts);
    const aged = document.getElementById("aged-out");
    aged.hidden = !data.aged_out;
    aged.textContent = data.aged_out
      ? number(data.aged_out) + " done more than " + data.done_days +
        (data.done_days === 1 ? " day" : " days") +
        " ago are not in the working list: choose Status “Done (all)” to find them."
      : "";
    const pages = Math.max(1, Math.ceil(data.total / data.limit));
    const page = Math.floor(data.offset / data.limit) + 1;
    document.getElementById("page-info").textContent = "Page " + number(page) + " of " + number(pages);
    document.getElementById("page-prev").hidden = data.offset === 0;
    document.getElementById("page-next").hidden = data.offset + shown >= data.total;
  }

  function facetButton(facet, value, count, words) {
    const button = el("button", words + ": " + number(count), "button chip");
    button.type = "button";
    button.dataset.facet = facet;
    button.dataset.value = value;
    button.setAttribute("aria-pressed", String(state[facet] === value));
    return button;
  }

  const drawn = { facets: "", newest: "" }; // what is on screen: unchanged, not re-drawn

  function showFacets(counts) {
    const box = document.getElementById("facets");
    const signature = JSON.stringify([counts.kind, counts.level, state.kind, state.level]);
    if (signature === drawn.facets) return;
    drawn.facets = signature;
    const focused = document.activeElement;
    const had = focused && focused.dataset && focused.dataset.facet
      ? focused.dataset.facet + ":" + focused.dataset.value : null;
    box.replaceChildren();
    for (const kind of Object.keys(KIND_WORDS)) {
      const n = counts.kind[kind] || 0;
      if (n || state.kind === kind) box.appendChild(facetButton("kind", kind, n, KIND_WORDS[kind]));
    }
    for (const level of Object.keys(LEVEL_WORDS)) {
      const n = counts.level[level] || 0;
      if (n || state.level === level) box.appendChild(facetButton("level", level, n, LEVEL_WORDS[level]));
    }
    if (had) {
      const again = box.querySelector('[data-facet="' + had.split(":")[0] + '"][data-value="' + had.split(":")[1] + '"]');
      if (again) again.focus();
    }
  }

  function showNewest(newest) {
    const box = document.getElementById("newest-box");
    const ul = document.getElementById("newest");
    announceNew(newest);
    const signature = JSON.stringify(newest) + Math.floor(Date.now() / 60000); // "2 min ago"
    if (signature === drawn.newest) return;
    drawn.newest = signature;
    const focusedId = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.showId : undefined;
    ul.replaceChildren();
    for (const item of newest) {
      const li = el("li", null, "newest-item");
      li.appendChild(el("span", item.title, "newest-title"));
      li.appendChild(el("span", " (" + relative(item.created_at) + ") ", "muted"));
      const show = el("button", "Show", "button");
      show.type = "button";
      show.dataset.showId = String(item.id);
      show.appendChild(el("span", " " + item.title, "visually-hidden"));
      li.appendChild(show);
      ul.appendChild(li);
      if (focusedId === String(item.id)) show.focus();
    }
    box.hidden = newest.length === 0;
  }

  function announceNew(newest) {
    const fresh = known === null ? [] : newest.filter(function (h) { return !known.has(h.id); });
    if (known === null) known = new Set();
    for (const h of newest) known.add(h.id);
    if (!fresh.length) return;
    const parts = fresh.map(function (h) { return h.title; });
    announcer.textContent =
      (fresh.length === 1 ? "New handoff: " : fresh.length + " new handoffs: ") + parts.join("; ");
  }

  /* ---------- filters, order and pages ---------- */

  function queryString() {
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      if (state[name] && state[name] !== DEFAULT_FILTERS[name]) params.set(name, state[name]);
    }
    if (state.offset) params.set("offset", String(state.offset));
    return params.toString();
  }

  function readAddress() {
    const params = new URLSearchParams(window.location.search);
    for (const name of FILTERS) state[name] = params.get(name) || DEFAULT_FILTERS[name];
    state.offset = Math.max(0, Number(params.get("offset")) || 0);
    for (const name of FILTERS) filters.elements[name].value = state[name];
  }

  function applyFilters(changes) {
    Object.assign(state, changes, { offset: 0 });
    for (const name of FILTERS) filters.elements[name].value = state[name];
    go();
  }

  function go() {
    const query = queryString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    refresh();
  }

  filters.addEventListener("submit", function (event) {
    event.preventDefault();
    const changes = {};
    for (const name of FILTERS) changes[name] = filters.elements[name].value.trim();
    applyFilters(changes);
  });

  filters.addEventListener("change", function (event) {
    if (event.target.name && event.target.name !== "q") {
      applyFilters({ [event.target.name]: event.target.value });
    }
  });

  document.getElementById("clear-filters").addEventListener("click", function () {
    applyFilters(Object.assign({}, DEFAULT_FILTERS, { order: state.order }));
  });

  document.getElementById("facets").addEventListener("click", function (event) {
    const button = event.target.closest("button[data-facet]");
    if (!button) return;
    const facet = button.dataset.facet;
    applyFilters({ [facet]: state[facet] === button.dataset.value ? "" : button.dataset.value });
  });

  document.getElementById("newest").addEventListener("click", function (event) {
    const button = event.target.closest("button[data-show-id]");
    if (!button) return;
    const id = Number(button.dataset.showId);
    applyFilters(Object.assign({}, DEFAULT_FILTERS, { q: "#" + id, status: "all" }));
    pendingFocus = id;
  });

  function turnPage(step) {
    if (!lastPage) return;
    state.offset = Math.max(0, state.offset + step * lastPage.limit);
    pendingFocus = "heading";
    go();
  }

  document.getElementById("page-prev").addEventListener("click", function () { turnPage(-1); });
  document.getElementById("page-next").addEventListener("click", function () { turnPage(1); });

  let pendingFocus = null; // after a page turn or "Show": where the keyboard goes next

  function focusPending() {
    if (pendingFocus === null) return;
    const target = pendingFocus === "heading" ? null : cards.get(pendingFocus);
    if (target) target.node.querySelector(".card-title").focus();
    else document.getElementById("handoffs-heading").focus();
    pendingFocus = null;
  }

  let asked = 0; // the latest request: an older answer arriving late is dropped

  async function refresh() {
    clearTimeout(timer);
    const mine = ++asked;
    let soon = false;
    try {
      const query = queryString();
      const data = await call("GET", "/frontdesk/data" + (query ? "?" + query : ""));
      if (mine !== asked) return;
      if (data.handoffs.length === 0 && data.offset > 0 && data.total > 0) {
        // the page emptied (work done meanwhile): go to the last page that has any
        state.offset = Math.max(0, (Math.ceil(data.total / data.limit) - 1) * data.limit);
        window.history.replaceState(null, "", window.location.pathname + "?" + queryString());
        soon = true;
        return;
      }
      lastPage = data;
      render(data.handoffs);
      showCounts(data);
      showNewest(data.newest || []);
      focusPending();
      connection.textContent = "";
      connection.classList.remove("problem");
    } catch (err) {
      if (mine !== asked) return;
      connection.textContent = err.message + " Retrying…";
      connection.classList.add("problem");
    } finally {
      if (mine === asked) {
        clearTimeout(timer);
        timer = setTimeout(refresh, soon ? 0 : pollMs);
      }
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

  readAddress();
  refresh();
})();
