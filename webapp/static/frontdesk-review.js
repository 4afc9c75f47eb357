/* Front-desk review queue: loads one page of messages the assistant did not handle well, and
 * saves the topic staff say each should have had. Message text goes into the page through
 * textContent only (never innerHTML), and the page's CSP allows no inline script. The filter
 * and the pages are plain links (?status=&page=), so Back and bookmarks work. */
"use strict";

(function () {
  const root = document.getElementById("review");
  if (!root) return;

  const PAGE_SIZE = 20;
  const STATUSES = ["open", "labelled", "all"];
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const timeZone = root.dataset.timezone || undefined;
  const intentWords = JSON.parse(root.dataset.intents || "{}");
  const reasonWords = JSON.parse(root.dataset.reasons || "{}");
  const topicNames = new Set(JSON.parse(root.dataset.topics || "[]"));
  const list = document.getElementById("review-list");
  const template = document.getElementById("review-template");
  const status = document.getElementById("review-status");
  const summary = document.getElementById("review-summary");

  const params = new URLSearchParams(window.location.search);
  const filter = STATUSES.includes(params.get("status")) ? params.get("status") : "open";
  const page = Math.max(1, parseInt(params.get("page"), 10) || 1);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function field(node, name) {
    return node.querySelector('[data-field="' + name + '"]');
  }

  function words(intent) {
    if (!intent) return "";
    if (intentWords[intent]) return intentWords[intent];
    const text = String(intent).replace(/^ask_/, "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function sureness(confidence) {
    if (typeof confidence !== "number") return "";
    const percent = Math.round(confidence * 100) + "%";
    if (confidence >= 0.8) return "sure, " + percent;
    if (confidence >= 0.5) return "fairly sure, " + percent;
    return "unsure, " + percent;
  }

  function readingText(reading) {
    if (!reading || !reading.intent) return "No reading";
    const how = sureness(reading.confidence);
    return words(reading.intent) + (how ? " (" + how + ")" : "");
  }

  function labelText(item) {
    if (!item.label) return "Not marked yet";
    let text = words(item.label);
    if (item.labelled_by) text += " (by " + item.labelled_by + ")";
    return text;
  }

  function absolute(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date)) return iso ? String(iso) : "";
    try {
      return new Intl.DateTimeFormat("en-GB", {
        dateStyle: "medium", timeStyle: "short", timeZone: timeZone,
      }).format(date);
    } catch (err) {
      return date.toLocaleString();
    }
  }

  function link(status, pageNumber) {
    const query = new URLSearchParams({ status: status });
    if (pageNumber > 1) query.set("page", String(pageNumber));
    return "/frontdesk/review?" + query.toString();
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
      throw new Error("The page cannot reach the web app. Check the connection and try again.");
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

  /* ---------- one item ---------- */

  function group(label, names) {
    const optgroup = el("optgroup");
    optgroup.label = label;
    const sorted = names
      .map(function (name) { return [name, words(name)]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); });
    for (const [name, text] of sorted) {
      const option = el("option", text);
      option.value = name;
      optgroup.appendChild(option);
    }
    return optgroup;
  }

  // The select: "Not marked", the education topics, the other things people say, then
  // "New topic" and "Ignore" (each group only with what /frontdesk/review/data allows).
  function fillSelect(select, labels, current) {
    const none = el("option", "Not marked");
    none.value = "";
    select.appendChild(none);
    const special = ["new_topic", "ignore"];
    const allowed = labels.filter(function (name) { return !special.includes(name); });
    const topics = allowed.filter(function (name) { return topicNames.has(name); });
    const others = allowed.filter(function (name) { return !topicNames.has(name); });
    if (topics.length) select.appendChild(group("Topics", topics));
    if (others.length) select.appendChild(group("Other things people say", others));
    const last = el("optgroup");
    last.label = "Neither";
    for (const name of special) {
      if (!labels.includes(name)) continue;
      const option = el("option", words(name));
      option.value = name;
      last.appendChild(option);
    }
    if (last.children.length) select.appendChild(last);
    select.value = current || "";
    if (select.value !== (current || "")) select.value = "";
  }

  function showItem(node, item) {
    field(node, "text").textContent = item.text;
    field(node, "reason").textContent = reasonWords[item.reason] || item.reason || "";
    field(node, "reading").textContent = readingText(item.reading);
    const created = field(node, "created");
    created.dateTime = item.created_at || "";
    created.textContent = absolute(item.created_at);
    field(node, "label").textContent = labelText(item);
    node.classList.toggle("is-marked", Boolean(item.label));
  }

  function buildItem(item, labels) {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.id = String(item.id);
    const headingId = "review-" + item.id + "-heading";
    const heading = field(node, "heading");
    heading.id = headingId;
    heading.textContent = "Message " + item.id;
    node.querySelector("article").setAttribute("aria-labelledby", headingId);
    const select = field(node, "select");
    select.id = "review-" + item.id + "-label";
    field(node, "select-label").htmlFor = select.id;
    fillSelect(select, labels, item.label);
    showItem(node, item);
    const save = node.querySelector('button[type="submit"]');
    save.appendChild(el("span", " (message " + item.id + ")", "visually-hidden"));
    node.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      saveLabel(node, item.id, select.value || null, save);
    });
    return node;
  }

  async function saveLabel(node, id, label, button) {
    if (button.getAttribute("aria-busy") === "true") return; // not `disabled`: keeps the focus
    button.setAttribute("aria-busy", "true");
    const itemStatus = field(node, "status");
    itemStatus.textContent = "Saving…";
    try {
      const item = await call("POST", "/frontdesk/review/" + id + "/label", { label: label });
      showItem(node, item);
      itemStatus.textContent = item.label ? "Saved: marked as " + words(item.label) + "." : "Saved: the mark is cleared.";
    } catch (err) {
      itemStatus.textContent = err.message;
    }
    button.removeAttribute("aria-busy");
  }

  /* ---------- the page ---------- */

  function showFilters() {
    for (const anchor of root.querySelectorAll("a[data-status]")) {
      const chosen = anchor.dataset.status === filter;
      anchor.classList.toggle("chosen", chosen);
      if (chosen) anchor.setAttribute("aria-current", "page");
      else anchor.removeAttribute("aria-current");
    }
  }

  function showPages(total) {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const nav = document.getElementById("review-pages");
    const previous = document.getElementById("previous-page");
    const next = document.getElementById("next-page");
    nav.hidden = pages <= 1;
    previous.hidden = page <= 1;
    next.hidden = page >= pages;
    previous.href = link(filter, page - 1);
    next.href = link(filter, page + 1);
  }

  const EMPTY = {
    open: "Nothing to review: every message is marked.",
    labelled: "No message has been marked yet.",
    all: "No messages to review yet.",
  };
  const NAMES = { open: "open", labelled: "marked", all: "" };

  async function load() {
    showFilters();
    status.textContent = "Loading messages…";
    const query = new URLSearchParams({
      status: filter,
      limit: String(PAGE_SIZE),
      offset: String((page - 1) * PAGE_SIZE),
    });
    let data;
    try {
      data = await call("GET", "/frontdesk/review/data?" + query.toString());
    } catch (err) {
      status.textContent = err.message;
      return;
    }
    const items = Array.isArray(data.items) ? data.items : [];
    const labels = Array.isArray(data.labels) ? data.labels : [];
    const total = typeof data.total === "number" ? data.total : items.length;
    list.replaceChildren(...items.map(function (item) { return buildItem(item, labels); }));
    const first = (page - 1) * PAGE_SIZE + 1;
    const kind = NAMES[filter] ? NAMES[filter] + " " : "";
    if (!items.length) {
      summary.textContent = page > 1 ? "No more " + kind + "messages." : EMPTY[filter];
    } else {
      summary.textContent =
        "Showing " + first + " to " + (first + items.length - 1) + " of " + total + " " + kind +
        (total === 1 ? "message" : "messages") + ", newest first.";
    }
    status.textContent = "";
    showPages(total);
  }

  load();
})();
