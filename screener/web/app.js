// The officers' page. Plain DOM, no framework, no build step.
// Every value from the server is put on the page with textContent, never as HTML: event
// fields come from banks' messages and must not be able to run script here.
"use strict";

(function () {
  const LOCALES = { kk: "kk-KZ", ru: "ru-RU", en: "en-GB" };
  const REFRESH_MS = 15000;
  const state = {
    lang: localStorage.getItem("screener.lang") || "ru",
    user: null,
    csrf: "",
    holds: [],
    selected: null,
    detail: null,
    slaMinutes: 30,
    tab: "queue",
  };

  // --- helpers ------------------------------------------------------------------------

  const $ = (selector, root) => (root || document).querySelector(selector);

  function t(key, values) {
    const table = window.I18N[state.lang] || window.I18N.en;
    let text = table[key] ?? window.I18N.en[key] ?? key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function when(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    try {
      return date.toLocaleString(LOCALES[state.lang], {
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      });
    } catch (e) {
      return date.toISOString().slice(0, 16).replace("T", " ");
    }
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined || amount === "") return "—";
    const [whole, cents] = String(amount).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    const fraction = cents && cents !== "00" ? "." + cents : "";
    return grouped + fraction + (currency ? "\u00a0" + currency : "");
  }

  function duration(seconds) {
    const minutes = Math.max(0, Math.floor(seconds / 60));
    if (minutes < 60) return minutes + "\u00a0" + t("unit.min");
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + "\u00a0" + t("unit.h") + " " + (minutes % 60) + "\u00a0" + t("unit.min");
    return Math.floor(hours / 24) + "\u00a0" + t("unit.d") + " " + (hours % 24) + "\u00a0" + t("unit.h");
  }

  function scoreBadge(score) {
    const level = score >= 90 ? "high" : score >= 60 ? "mid" : "";
    return el("span", { class: "score " + level, text: String(score) });
  }

  function statusPill(status) {
    return el("span", { class: "pill " + status, text: t("status." + status) });
  }

  function message(reason) {
    const text = reason.message || {};
    return text[state.lang] || text.en || "";
  }

  let toastTimer = null;
  function toast(text, bad) {
    const box = $("#toast");
    box.textContent = text;
    box.className = "toast" + (bad ? " bad" : "");
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, bad ? 7000 : 4000);
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || "HTTP " + status);
      this.status = status;
    }
  }

  async function api(method, path, body, contentType) {
    const headers = { Accept: "application/json" };
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    let payload;
    if (body !== undefined) {
      headers["Content-Type"] = contentType || "application/json";
      payload = contentType ? body : JSON.stringify(body);
    }
    const response = await fetch(path, {
      method, headers, body: payload, credentials: "same-origin", cache: "no-store",
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 401 && state.user) {
      showLogin(t("msg.session_over"));
      throw new ApiError(401, data);
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  async function attempt(work) {
    try {
      return await work();
    } catch (error) {
      if (error.status !== 401) toast(error.message, true);
      return null;
    }
  }

  const may = (role) => {
    const order = { viewer: 1, officer: 2, supervisor: 3 };
    return state.user && order[state.user.role] >= order[role];
  };

  // --- language -----------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    $("#lang").value = state.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.getAttribute("data-i18n"));
    }
    $("textarea[name=csv]").placeholder = "account,reason,ttl_seconds";
    renderWho();
    renderQueue();
    if (state.detail) renderDetail(state.detail);
    if (state.tab === "audit") loadAudit();
    if (state.tab === "rules") loadRulePrecision();
  }

  // --- login --------------------------------------------------------------------------

  function showLogin(errorText) {
    state.user = null;
    state.csrf = "";
    document.body.className = "";
    $("#login-view").hidden = false;
    for (const id of ["#queue-view", "#blocklist-view", "#audit-view", "#rules-view", "#tabs", "#logout"]) {
      $(id).hidden = true;
    }
    $("#login-error").textContent = errorText || "";
    renderWho();
    $("#token").focus();
  }

  function signedIn(me) {
    state.user = { name: me.name, role: me.role };
    state.csrf = me.csrf || "";
    state.slaMinutes = me.sla_minutes || 30;
    document.body.className = "role-" + me.role;
    $("#login-view").hidden = true;
    $("#tabs").hidden = false;
    $("#logout").hidden = false;
    renderWho();
    showTab("queue");
  }

  function renderWho() {
    $("#whoami").textContent = state.user
      ? state.user.name + " · " + t("role." + state.user.role)
      : "";
  }

  async function login(event) {
    event.preventDefault();
    const token = $("#token").value.trim();
    if (!token) return;
    try {
      const me = await api("POST", "/login", { token });
      $("#token").value = "";
      signedIn(me);
    } catch (error) {
      $("#login-error").textContent = t("login.failed");
    }
  }

  async function logout() {
    await attempt(() => api("POST", "/logout"));
    state.detail = null;
    state.selected = null;
    showLogin();
  }

  // --- tabs ---------------------------------------------------------------------------

  function showTab(tab) {
    state.tab = tab;
    for (const button of document.querySelectorAll("#tabs button")) {
      button.classList.toggle("active", button.dataset.tab === tab);
    }
    $("#queue-view").hidden = tab !== "queue";
    $("#blocklist-view").hidden = tab !== "blocklist";
    $("#audit-view").hidden = tab !== "audit";
    $("#rules-view").hidden = tab !== "rules";
    if (tab === "queue") loadQueue();
    if (tab === "audit") loadAudit();
    if (tab === "rules") loadRulePrecision();
  }

  // --- the queue ----------------------------------------------------------------------

  function filterParams() {
    const form = $("#filters");
    const params = new URLSearchParams();
    for (const name of ["status", "sort", "verdict", "rule", "min_amount", "max_amount"]) {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    params.set("limit", "200");
    return params;
  }

  async function loadQueue() {
    if (!state.user) return;
    const data = await attempt(() => api("GET", "/api/holds?" + filterParams().toString()));
    if (!data) return;
    state.holds = data.holds;
    state.total = data.total;
    state.slaMinutes = data.sla_minutes;
    const rules = new Set(data.holds.flatMap((hold) => hold.rules));
    const list = $("#rule-ids");
    list.replaceChildren(...[...rules].sort().map((rule) => el("option", { value: rule })));
    renderQueue();
  }

  function renderQueue() {
    const body = $("#queue-table tbody");
    if (!body) return;
    const overdue = state.holds.filter((hold) => hold.sla.overdue).length;
    $("#queue-summary").textContent = t("queue.summary", {
      n: state.total ?? state.holds.length, overdue, sla: state.slaMinutes,
    });
    if (!state.holds.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "muted", text: t("queue.empty") })));
      return;
    }
    body.replaceChildren(...state.holds.map((hold) => {
      const row = el("tr", {
        class: hold.hold_id === state.selected ? "selected" : "",
        "data-hold": hold.hold_id,
        tabindex: 0,
        onclick: () => openHold(hold.hold_id),
        onkeydown: (event) => { if (event.key === "Enter") openHold(hold.hold_id); },
      },
        el("td", {}, scoreBadge(hold.score)),
        el("td", { class: hold.sla.overdue ? "overdue" : "", title: when(hold.created_at) }, duration(hold.age_seconds)),
        el("td", { class: "num" }, money(hold.amount, hold.currency)),
        el("td", {}, t("event." + hold.event_type)),
        el("td", {}, el("div", { class: "rules" }, hold.rules.map((rule) => el("span", { class: "rule", text: rule })))),
        el("td", {}, statusPill(hold.status)),
        el("td", { class: "muted" }, hold.claim ? hold.claim.by : ""),
      );
      return row;
    }));
  }

  async function takeNext() {
    const data = await attempt(() => api("POST", "/api/queue/next"));
    if (!data) return;
    if (!data.hold) {
      toast(t("queue.none_left"));
      return;
    }
    state.selected = data.hold.hold_id;
    state.detail = data.hold;
    renderDetail(data.hold);
    loadQueue();
  }

  // --- one hold -----------------------------------------------------------------------

  async function openHold(holdId) {
    state.selected = holdId;
    renderQueue();
    const detail = await attempt(() => api("GET", "/api/holds/" + encodeURIComponent(holdId)));
    if (!detail) return;
    state.detail = detail;
    renderDetail(detail);
  }

  function renderDetail(hold) {
    const pane = $("#detail");
    pane.replaceChildren(el("article", { class: "hold", "data-hold": hold.hold_id },
      el("div", { class: "detail-head" },
        el("span", { class: "amount" }, money(hold.amount, hold.currency)),
        statusPill(hold.status),
        scoreBadge(hold.score),
        el("span", { class: "type", text: t("event." + hold.event_type) }),
      ),
      renderFacts(hold),
      renderBanners(hold),
      renderActions(hold),
      section("section.reasons", renderReasons(hold)),
      hold.money_path ? el("div", { class: "section" },
        el("h3", { text: window.ScreenerMoneyPath.title() }),
        window.ScreenerMoneyPath.render(hold.money_path)) : null,
      hold.follow ? section("section.follow", renderFollow(hold.follow)) : null,
      hold.receiver ? section("section.receiver", renderAccount(hold.receiver)) : null,
      section("section.timeline", renderTimeline(hold)),
      section("section.notes", renderNotes(hold)),
      section("section.audit", renderAudit(hold.audit, true)),
    ));
  }

  function section(titleKey, ...content) {
    return el("div", { class: "section" }, el("h3", { text: t(titleKey) }), ...content);
  }

  function renderFacts(hold) {
    const facts = [
      ["field.hold_id", el("span", { class: "mono", text: hold.hold_id })],
      ["field.customer", el("span", { class: "mono", text: hold.customer_id || "—" })],
      hold.sender_account ? ["field.sender", el("span", { class: "mono", text: hold.sender_account })] : null,
      hold.receiver_account ? ["field.receiver", el("span", { class: "mono", text: hold.receiver_account })] : null,
      ["field.created", when(hold.created_at) + " · " + slaText(hold)],
      hold.resolved_at ? ["field.resolved", when(hold.resolved_at) + " · " + (hold.resolved_by || "")] : null,
    ].filter(Boolean);
    return el("dl", { class: "facts" }, facts.map(([key, value]) => [el("dt", { text: t(key) }), el("dd", {}, value)]));
  }

  function slaText(hold) {
    if (hold.status !== "held") return duration(hold.age_seconds);
    if (hold.sla.overdue) return duration(hold.age_seconds) + ", " + t("sla.overdue", { sla: hold.sla.minutes });
    return t("sla.left", { min: Math.max(0, Math.floor(hold.sla.remaining_seconds / 60)), sla: hold.sla.minutes });
  }

  function renderBanners(hold) {
    const banners = [];
    if (hold.source_hold) {
      banners.push(el("div", { class: "banner bad" }, t("hold.followed_from") + ": ",
        el("a", { href: "#", onclick: (e) => { e.preventDefault(); openHold(hold.source_hold); } }, hold.source_hold)));
    }
    if (hold.hold_until && hold.status === "held") {
      banners.push(el("div", { class: "banner info", text: t("hold.lifts_at", { time: when(hold.hold_until) }) }));
    }
    if (hold.cooling_period && hold.status === "held" && !may("supervisor")) {
      banners.push(el("div", { class: "banner warn", text: t("cooling.only_supervisor") }));
    }
    const release = hold.loan_release;
    if (release && hold.status === "held") {
      if (release.regulatory_satisfied_at) {
        banners.push(el("div", { class: "banner info", text: t("loan.law_done", { time: when(release.regulatory_satisfied_at) }) }));
      } else if (release.reconfirmation_required && !release.reconfirmed_at) {
        banners.push(el("div", { class: "banner info", text: t("loan.awaits_reconfirmation") }));
      }
    }
    const customer = hold.customer || {};
    const notes = [];
    if (customer.confirmed_victim) notes.push(t("customer.victim"));
    if (customer.fraud_reports) notes.push(t("customer.reports", { n: customer.fraud_reports }));
    if (customer.loan_optout_active) notes.push(t("customer.optout"));
    if (notes.length) banners.push(el("div", { class: "banner bad", text: notes.join(" · ") }));
    if (hold.claim) {
      const mine = state.user && hold.claim.by === state.user.name;
      banners.push(el("div", { class: "banner info", text: mine
        ? t("claimed.mine", { time: when(hold.claim.expires_at) })
        : t("claimed.by", { name: hold.claim.by, time: when(hold.claim.expires_at) }) }));
    }
    return banners;
  }

  function renderActions(hold) {
    if (!may("officer")) return null;
    const open = hold.status === "held";
    const mine = hold.claim && hold.claim.by === state.user.name;
    const takenByOther = hold.claim && !mine && !may("supervisor");
    const note = el("textarea", { rows: 2, id: "action-note", placeholder: t("note.placeholder"), maxlength: 2000 });
    const cooling = hold.cooling_period;
    const releaseKey = cooling ? "action.lift" : "action.release";
    const canRelease = open && !takenByOther && (!cooling || may("supervisor"));
    const canConfirm = ["held", "blocked", "released"].includes(hold.status) && !takenByOther;
    return el("div", { class: "actions" },
      note,
      open && !hold.claim ? el("button", { type: "button", id: "claim", onclick: () => claim(hold) , text: t("action.claim") }) : null,
      open && mine ? el("button", { type: "button", id: "unclaim", onclick: () => unclaim(hold), text: t("action.unclaim") }) : null,
      el("button", { type: "button", id: "add-note", onclick: () => addNote(hold), text: t("action.add_note") }),
      el("span", { class: "spacer" }),
      el("button", {
        type: "button", id: "release", class: "ok", disabled: !canRelease,
        title: cooling && !may("supervisor") ? t("cooling.only_supervisor") : null,
        onclick: () => release(hold), text: t(releaseKey),
      }),
      el("button", {
        type: "button", id: "confirm-fraud", class: "danger", disabled: !canConfirm,
        onclick: () => confirmFraud(hold), text: t("action.confirm"),
      }),
    );
  }

  function actionNote() {
    const box = $("#action-note");
    return box ? box.value.trim() : "";
  }

  async function refreshDetail(hold) {
    await openHold(hold.hold_id);
    loadQueue();
  }

  async function claim(hold) {
    if (await attempt(() => api("POST", "/api/holds/" + encodeURIComponent(hold.hold_id) + "/claim"))) {
      toast(t("msg.claimed"));
      refreshDetail(hold);
    }
  }

  async function unclaim(hold) {
    if (await attempt(() => api("DELETE", "/api/holds/" + encodeURIComponent(hold.hold_id) + "/claim"))) {
      toast(t("msg.unclaimed"));
      refreshDetail(hold);
    }
  }

  async function addNote(hold) {
    const text = actionNote();
    if (!text) { $("#action-note").focus(); return; }
    if (await attempt(() => api("POST", "/api/holds/" + encodeURIComponent(hold.hold_id) + "/notes", { text }))) {
      toast(t("msg.noted"));
      refreshDetail(hold);
    }
  }

  async function release(hold) {
    if (!window.confirm(t(hold.cooling_period ? "ask.lift" : "ask.release"))) return;
    const result = await attempt(() => api("POST", "/api/holds/" + encodeURIComponent(hold.hold_id) + "/release", { note: actionNote() }));
    if (!result) return;
    toast(result.published ? t("msg.released") : t("msg.pending"));
    state.detail = result.hold;
    renderDetail(result.hold);
    loadQueue();
  }

  async function confirmFraud(hold) {
    if (!window.confirm(t("ask.confirm"))) return;
    const result = await attempt(() => api("POST", "/api/holds/" + encodeURIComponent(hold.hold_id) + "/confirm-fraud", { note: actionNote() }));
    if (!result) return;
    const follow = result.hold.follow || { steps: [] };
    const holds = follow.steps.filter((s) => s.hold === "created").length;
    const blocks = follow.steps.filter((s) => ["blocked", "extended"].includes(s.block)).length
      + (follow.receiver_block && follow.receiver_block.result !== "kept" ? 1 : 0);
    toast(result.published ? t("msg.confirmed", { holds, blocks }) : t("msg.pending"));
    state.detail = result.hold;
    renderDetail(result.hold);
    loadQueue();
  }

  function renderReasons(hold) {
    return el("ul", { class: "reasons" }, hold.reasons.map((reason) =>
      el("li", {},
        el("span", { class: "rule-id", text: reason.rule }),
        scoreBadge(reason.score || 0),
        el("div", { text: message(reason) }),
        reason.measured ? el("div", { class: "measured", text: Object.entries(reason.measured)
          .map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(" · ") }) : null,
      )));
  }

  function resultText(result) {
    if (!result) return "";
    if (result.startsWith("not_blocked_")) return t("result.not_blocked", { kind: result.slice(12) });
    return t("result." + result);
  }

  function renderFollow(follow) {
    const holds = follow.steps.filter((s) => s.hold === "created").length;
    const blocks = follow.steps.filter((s) => ["blocked", "extended"].includes(s.block)).length;
    const parts = [];
    if (follow.receiver_block) {
      parts.push(el("p", { id: "follow-receiver", text: t("follow.receiver", {
        account: follow.receiver_block.account, result: resultText(follow.receiver_block.result),
      }) }));
    }
    parts.push(el("p", { class: "muted", text: t("follow.summary", { holds, blocks, depth: follow.depth }) }));
    if (!follow.steps.length) {
      parts.push(el("p", { class: "muted", text: t("follow.none") }));
      return parts;
    }
    parts.push(el("table", { class: "small", id: "follow-steps" },
      el("thead", {}, el("tr", {},
        ["follow.hop", "follow.from_to", "col.amount", "follow.when", "follow.hold", "follow.receiver_col"]
          .map((key) => el("th", { text: t(key) })))),
      el("tbody", {}, follow.steps.map((step) => el("tr", {},
        el("td", { text: String(step.hop) }),
        el("td", { class: "mono", text: step.from_account + " → " + step.to_account }),
        el("td", { class: "num", text: money(step.amount, step.currency) }),
        el("td", { text: when(step.at) }),
        el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); openHold(step.hold_id); } },
          step.hold === "created" ? t("hold.created")
            : t("hold.existed") + (step.hold_status ? " (" + t("status." + step.hold_status) + ")" : ""))),
        el("td", { text: resultText(step.block) }),
      ))),
    ));
    if (follow.truncated) parts.push(el("p", { class: "banner warn", text: t("follow.truncated") }));
    return parts;
  }

  function stat(labelKey, value) {
    return el("div", { class: "stat" }, el("div", { class: "label", text: t(labelKey) }), el("div", { class: "value", text: value }));
  }

  function renderAccount(profile) {
    const block = profile.block;
    const status = block
      ? el("span", { class: "pill block-on", id: "receiver-blocked", text: t("receiver.blocked") + " · " + (block.rule || "") + " · " +
          (block.expires_at ? t("receiver.block_until", { time: when(block.expires_at) }) : t("receiver.block_permanent")) })
      : el("span", { class: "pill block-off", text: t("receiver.not_blocked") });
    const flows = (list) => list.length
      ? el("table", { class: "small" }, el("tbody", {}, list.slice(0, 8).map((flow) => el("tr", {},
          el("td", { text: when(flow.at) }),
          el("td", { class: "num", text: money(flow.amount, "KZT") }),
          el("td", { class: "mono", text: flow.counterparty }),
          el("td", { class: "muted", text: flow.party || "" }),
        ))))
      : el("p", { class: "muted", text: t("receiver.none") });
    return [
      el("p", {}, el("span", { class: "mono", text: profile.account }), " ", status),
      block && block.reason ? el("p", { class: "muted", text: block.reason }) : null,
      el("div", { class: "stats" },
        stat("receiver.senders_day", String(profile.last_day.senders)),
        stat("receiver.in_day", money(profile.last_day.inbound.total) + " (" + profile.last_day.inbound.count + ")"),
        stat("receiver.out_day", money(profile.last_day.outbound.total) + " (" + profile.last_day.outbound.count + ")"),
        stat("receiver.senders_window", String(profile.window.senders)),
        stat("receiver.in_window", money(profile.window.inbound.total) + " (" + profile.window.inbound.count + ")"),
        stat("receiver.out_window", money(profile.window.outbound.total) + " (" + profile.window.outbound.count + ")"),
      ),
      el("dl", { class: "facts" },
        el("dt", { text: t("receiver.opened") }), el("dd", { text: when(profile.opened_at) }),
        el("dt", { text: t("receiver.holder") }), el("dd", { class: "mono", text: profile.holder_id || "—" })),
      el("h3", { text: t("receiver.recent_in") }), flows(profile.recent_inbound),
      el("h3", { text: t("receiver.recent_out") }), flows(profile.recent_outbound),
    ];
  }

  function renderTimeline(hold) {
    if (!hold.events || !hold.events.length) return el("p", { class: "muted", text: t("timeline.empty") });
    return el("ul", { class: "timeline" }, hold.events.map((event) => {
      const attrs = Object.entries(event.attrs || {})
        .filter(([, v]) => v !== null && v !== "" && v !== false)
        .map(([k, v]) => k + ": " + v).join(" · ");
      return el("li", { class: event.held_event ? "held-event" : event.after_hold ? "after-hold" : "" },
        el("span", { class: "when", text: when(event.at) }),
        t("event." + event.type),
        event.amount ? " · " + money(event.amount, "KZT") : "",
        event.held_event ? " · " + t("timeline.this") : event.after_hold ? " · " + t("timeline.after") : "",
        attrs ? el("div", { class: "attrs", text: attrs }) : null);
    }));
  }

  function renderNotes(hold) {
    if (!hold.notes || !hold.notes.length) return el("p", { class: "muted", text: t("notes.empty") });
    return el("ul", { class: "reasons" }, hold.notes.map((entry) =>
      el("li", {}, el("div", { class: "muted", text: when(entry.at) + " · " + entry.by }), el("div", { text: entry.note }))));
  }

  function changeText(entry) {
    if (entry.from || entry.to) {
      const from = entry.from ? t("status." + entry.from) : "∅";
      const to = entry.to ? t("status." + entry.to) : "";
      return from + " → " + to;
    }
    if (entry.account) return entry.account;
    return "";
  }

  function renderAudit(entries, forHold) {
    if (!entries || !entries.length) return el("p", { class: "muted", text: t("audit.empty") });
    return el("table", { class: "small audit" },
      el("thead", {}, el("tr", {}, ["audit.when", "audit.who", "audit.action", "audit.change", "audit.note"]
        .map((key) => el("th", { text: t(key) })))),
      el("tbody", {}, entries.map((entry) => el("tr", {},
        el("td", { text: when(entry.at) }),
        el("td", { text: entry.by + (entry.role ? " (" + t("role." + entry.role) + ")" : "") }),
        el("td", { text: t("act." + entry.action) + (!forHold && entry.hold_id ? " · " + entry.hold_id : "") }),
        el("td", { class: "mono", text: changeText(entry) }),
        el("td", { text: noteText(entry) }),
      ))));
  }

  function noteText(entry) {
    // Follow-the-money steps carry the hop in `after`: say it in the officer's language.
    if (entry.action.startsWith("follow_hold") && entry.after && entry.after.hop) {
      return t("follow.hop") + " " + entry.after.hop + " · " + (entry.related_hold || "");
    }
    return entry.note || "";
  }

  // --- block list ---------------------------------------------------------------------

  async function lookupBlock(event) {
    event.preventDefault();
    const account = event.target.elements.account.value.trim();
    const out = $("#bl-result");
    try {
      const entry = await api("GET", "/api/blocklist/" + encodeURIComponent(account));
      out.textContent = t("bl.blocked", {
        account, reason: entry.reason, rule: entry.rule,
        until: entry.expires_at ? t("receiver.block_until", { time: when(entry.expires_at) }) : t("receiver.block_permanent"),
      });
      out.className = "result banner bad";
    } catch (error) {
      if (error.status === 404) {
        out.textContent = t("bl.not_blocked", { account });
        out.className = "result banner info";
      } else if (error.status !== 401) toast(error.message, true);
    }
  }

  async function changeBlock(event) {
    event.preventDefault();
    const form = event.target;
    const account = form.elements.account.value.trim();
    const ttl = form.elements.ttl.value.trim();
    const body = { reason: form.elements.reason.value.trim(), ttl_seconds: ttl ? Number(ttl) : null };
    if (await attempt(() => api("PUT", "/api/blocklist/" + encodeURIComponent(account), body))) {
      toast(t("msg.blocked"));
    }
  }

  async function liftBlock() {
    const account = $("#bl-change").elements.account.value.trim();
    if (!account) return;
    if (await attempt(() => api("DELETE", "/api/blocklist/" + encodeURIComponent(account)))) {
      toast(t("msg.unblocked"));
    }
  }

  async function importBlocks(event) {
    event.preventDefault();
    const form = event.target;
    const file = form.elements.file.files[0];
    const text = file ? await file.text() : form.elements.csv.value;
    if (!text.trim()) return;
    const source = form.elements.source.value.trim() || "csv import";
    const result = await attempt(() => api("POST", "/api/blocklist/import?source=" + encodeURIComponent(source), text, "text/csv"));
    if (!result) return;
    const out = $("#bl-import-result");
    out.replaceChildren(
      el("p", { class: "banner info", text: t("bl.imported", { n: result.imported, e: result.errors.length }) }),
      result.errors.length ? el("ul", {}, result.errors.map((e) => el("li", { text: "#" + e.line + ": " + e.error }))) : null,
    );
  }

  // --- audit --------------------------------------------------------------------------

  async function loadAudit() {
    if (!state.user) return;
    const mine = await attempt(() => api("GET", "/api/audit/users/" + encodeURIComponent(state.user.name)));
    if (mine) $("#audit-mine").replaceChildren(renderAudit(mine.audit.slice().reverse(), false));
    if (may("supervisor")) {
      const all = await attempt(() => api("GET", "/api/audit"));
      if (all) $("#audit-all").replaceChildren(renderAudit(all.audit.slice().reverse(), false));
    }
  }

  // --- rule precision ---------------------------------------------------------------

  const PRECISION_DAYS = 30;

  async function loadRulePrecision() {
    if (!state.user) return;
    const data = await attempt(() => api("GET", "/api/rules/precision?days=" + PRECISION_DAYS));
    if (!data) return;
    $("#rules-period").textContent = t("rules.period", { days: data.days, since: when(data.since) });
    $("#rules-precision").replaceChildren(renderRulePrecision(data.rules));
  }

  // Precision = confirmed / (confirmed + released) among holds an officer decided in which
  // the rule was a reason; the counts are shown with it, since 1 of 1 is not 40 of 40.
  function renderRulePrecision(rules) {
    if (!rules.length) return el("p", { class: "muted", text: t("rules.empty") });
    return el("table", { class: "small", id: "rules-precision-table" },
      el("thead", {}, el("tr", {}, ["rules.rule", "rules.confirmed", "rules.released", "rules.precision"]
        .map((key) => el("th", { text: t(key), class: key === "rules.rule" ? "" : "num" })))),
      el("tbody", {}, rules.map((row) => el("tr", { "data-rule": row.rule },
        el("td", { class: "rule", text: row.rule }),
        el("td", { class: "num confirmed", text: String(row.confirmed_fraud) }),
        el("td", { class: "num released", text: String(row.released) }),
        el("td", { class: "num precision", text: Math.round(row.precision * 100) + "%" }),
      ))),
    );
  }

  // --- start --------------------------------------------------------------------------

  async function start() {
    $("#lang").addEventListener("change", (event) => {
      state.lang = event.target.value;
      localStorage.setItem("screener.lang", state.lang);
      applyLanguage();
    });
    $("#login-form").addEventListener("submit", login);
    $("#logout").addEventListener("click", logout);
    $("#filters").addEventListener("submit", (event) => { event.preventDefault(); loadQueue(); });
    $("#filters").addEventListener("change", () => loadQueue());
    $("#next").addEventListener("click", takeNext);
    for (const button of document.querySelectorAll("#tabs button")) {
      button.addEventListener("click", () => showTab(button.dataset.tab));
    }
    $("#bl-lookup").addEventListener("submit", lookupBlock);
    $("#bl-change").addEventListener("submit", changeBlock);
    $("#bl-unblock").addEventListener("click", liftBlock);
    $("#bl-import").addEventListener("submit", importBlocks);
    applyLanguage();
    setInterval(() => { if (state.user && state.tab === "queue" && !document.hidden) loadQueue(); }, REFRESH_MS);
    try {
      signedIn(await api("GET", "/api/me"));
    } catch (error) {
      showLogin();
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
