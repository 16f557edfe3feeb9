// The money's path from a hold, drawn as an SVG graph: accounts as boxes, transfers as
// arrows with amount and time, hop by hop from left to right. Blocked accounts are red,
// held transfers say so, and after a confirmed fraud each arrow shows what
// follow-the-money proposed and what a supervisor decided. Built with DOM calls only
// (every value is text, never markup); no library, no CDN.
"use strict";

window.ScreenerMoneyPath = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WORDS = {
    en: {
      title: "The money's path", victim: "victim", blocked: "blocked", held: "held",
      this_hold: "this hold", observed: "seen", proposed: "proposed", approved: "approved",
      applied: "held and blocked", rejected: "rejected", below_floor: "too small",
      none: "No onward transfers seen.", truncated: "More transfers than shown.",
      legend: "Red: blocked account. Orange, dashed: proposed, waiting for a supervisor.",
    },
    ru: {
      title: "Путь денег", victim: "жертва", blocked: "заблокирован", held: "задержан",
      this_hold: "эта задержка", observed: "замечен", proposed: "предложено",
      approved: "одобрено", applied: "задержан и заблокирован", rejected: "отклонено",
      below_floor: "слишком мало", none: "Дальнейших переводов не видно.",
      truncated: "Переводов больше, чем показано.",
      legend: "Красный: счёт заблокирован. Оранжевый пунктир: предложено, ждёт супервайзера.",
    },
    kk: {
      title: "Ақшаның жолы", victim: "жәбірленуші", blocked: "бұғатталған", held: "ұсталған",
      this_hold: "осы ұстау", observed: "көрінді", proposed: "ұсынылды",
      approved: "мақұлданды", applied: "ұсталды және бұғатталды", rejected: "қабылданбады",
      below_floor: "тым аз", none: "Әрі қарай аударымдар көрінбейді.",
      truncated: "Аударымдар көрсетілгеннен көп.",
      legend: "Қызыл: шот бұғатталған. Қызғылт сары үзік: ұсынылды, супервайзерді күтеді.",
    },
  };
  const COLUMN = 380;
  const ROW = 78;
  const BOX_W = 180;
  const BOX_H = 44;

  function words() {
    return WORDS[document.documentElement.lang] || WORDS.en;
  }

  function node(tag, attrs, text) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) element.setAttribute(name, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function short(account) {
    return account.length > 24 ? account.slice(0, 11) + "…" + account.slice(-11) : account;
  }

  function time(iso) {
    const date = new Date(iso);
    return isNaN(date) ? "" : date.toLocaleString(document.documentElement.lang || "en",
      { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  }

  // Each account's column is the hop at which the money first reached it.
  function layout(path) {
    const column = new Map();
    for (const edge of path.edges) {
      if (!column.has(edge.from)) column.set(edge.from, edge.hop);
      if (!column.has(edge.to)) column.set(edge.to, edge.hop + 1);
    }
    const rows = new Map();
    const position = new Map();
    for (const [account, col] of column) {
      const row = rows.get(col) || 0;
      rows.set(col, row + 1);
      position.set(account, { x: 20 + col * COLUMN, y: 30 + row * ROW });
    }
    return { position, columns: Math.max(...column.values()) + 1, rows: Math.max(...rows.values()) };
  }

  function render(path) {
    const w = words();
    const wrap = document.createElement("div");
    wrap.className = "money-path";
    wrap.id = "money-path";
    const { position, columns, rows } = layout(path);
    const width = 40 + columns * COLUMN;
    const height = 50 + rows * ROW;
    const svg = node("svg", {
      viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": w.title,
      "data-edges": path.edges.length, "data-nodes": path.nodes.length,
    });
    const defs = node("defs");
    const marker = node("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(node("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#555" }));
    defs.append(marker);
    svg.append(defs);
    const blocked = new Map(path.nodes.map((n) => [n.account, n]));
    for (const edge of path.edges) {
      const from = position.get(edge.from);
      const to = position.get(edge.to);
      if (!from || !to) continue;
      const x1 = from.x + BOX_W, y1 = from.y + BOX_H / 2, x2 = to.x, y2 = to.y + BOX_H / 2;
      const group = node("g", { class: "edge state-" + edge.state, "data-event": edge.event_id,
        "data-state": edge.state, "data-hold-status": edge.hold_status || "" });
      group.append(node("path", {
        d: `M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2 - 2} ${y2}`,
        fill: "none", "marker-end": "url(#arrow)",
      }));
      const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
      group.append(node("text", { x: mx, y: my - 6, "text-anchor": "middle", class: "amount" },
        `${edge.amount} ${edge.currency || "KZT"}`));
      const status = edge.hold_status ? " · " + (edge.hold_status === "held" ? w.held : edge.hold_status) : "";
      group.append(node("text", { x: mx, y: my + 12, "text-anchor": "middle", class: "when" },
        `${time(edge.at)} · ${w[edge.state] || edge.state}${status}`));
      svg.append(group);
    }
    for (const [account, at] of position) {
      const info = blocked.get(account) || {};
      const classes = ["account", info.blocked ? "blocked" : "", info.victim ? "victim" : ""];
      const group = node("g", { class: classes.join(" ").trim(), "data-account": account,
        "data-blocked": info.blocked ? "1" : "0" });
      group.append(node("rect", { x: at.x, y: at.y, width: BOX_W, height: BOX_H, rx: 6 }));
      group.append(node("title", {}, account));
      group.append(node("text", { x: at.x + 8, y: at.y + 18 }, short(account)));
      const label = [info.victim ? w.victim : "", info.blocked ? w.blocked : ""].filter(Boolean).join(" · ");
      group.append(node("text", { x: at.x + 8, y: at.y + 36, class: "tag" }, label));
      svg.append(group);
    }
    wrap.append(svg);
    const legend = document.createElement("p");
    legend.className = "muted";
    legend.textContent = path.edges.length > 1 ? w.legend : w.none;
    wrap.append(legend);
    if (path.truncated) {
      const more = document.createElement("p");
      more.className = "banner warn";
      more.textContent = w.truncated;
      wrap.append(more);
    }
    return wrap;
  }

  return { render, title: () => words().title };
})();
