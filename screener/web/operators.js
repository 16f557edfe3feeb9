// The operators' page: polls /api/operations/status and draws it. No libraries, no CDN;
// the chart is SVG built here. Text goes in through textContent only.
"use strict";

(() => {
  const POLL_MS = 2000;
  const SVG = "http://www.w3.org/2000/svg";
  // Distinct, colour-blind-friendly hues (Okabe-Ito), then greys.
  const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442", "#000000"];

  const $ = (selector) => document.querySelector(selector);

  function el(tag, attrs = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    return node;
  }

  function ago(seconds) {
    if (seconds < 1) return "now";
    if (seconds < 90) return `${Math.round(seconds)} s ago`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
    return `${Math.round(seconds / 3600)} h ago`;
  }

  function clock(epochSeconds) {
    return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function tile(id, value, level) {
    const node = $(id);
    node.querySelector(".ops-value").textContent = String(value);
    node.classList.toggle("bad", level === "bad");
    node.classList.toggle("warn", level === "warn");
  }

  function drawOverview(status) {
    const reporting = status.workers.filter((w) => w.reporting).length;
    const versions = Object.keys(status.rules_versions);
    tile("#tile-rate", status.events_per_second.toFixed(1));
    tile("#tile-workers", `${reporting} / ${status.workers.length}`, reporting < status.workers.length ? "bad" : "");
    tile("#tile-stalled", status.stalled_partitions, status.stalled_partitions > 0 ? "bad" : "");
    tile("#tile-cap", status.safety_cap_active ? "ON" : "off", status.safety_cap_active ? "bad" : "");
    tile("#tile-rules", versions.length ? versions.join(" ≠ ") : "–", versions.length > 1 ? "bad" : "");
  }

  // The partition's lag over the last readings: flat at zero is healthy, a rising line
  // falls behind, a flat line above zero is stuck.
  function sparkline(history, widest) {
    const width = 120, height = 22;
    const line = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "ops-spark", role: "img", "aria-label": "lag over the last minutes" });
    // A single reading is still a level: drawn flat across, so a partition that stalled
    // right after its first report shows where it stopped.
    const readings = history.length === 1 ? [history[0], history[0]] : history;
    if (readings.length > 1) {
      const step = width / (readings.length - 1);
      const points = readings.map((lag, i) => `${(i * step).toFixed(1)},${(height - 2 - (lag / widest) * (height - 4)).toFixed(1)}`);
      line.append(svg("polyline", { points: points.join(" "), fill: "none", stroke: "#b86e00", "stroke-width": 1.5 }));
    }
    return line;
  }

  function drawPartitions(status) {
    const rows = [];
    for (const worker of status.workers) {
      for (const p of worker.partitions) rows.push({ ...p, worker: worker.worker });
    }
    rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const widest = Math.max(1, ...rows.flatMap((r) => [r.lag, ...(r.lag_history || [])]));
    const body = $("#partitions tbody");
    body.replaceChildren();
    for (const row of rows) {
      const tr = el("tr", { "data-topic": row.topic, "data-partition": row.partition, "data-state": row.state });
      tr.append(el("td", {}, row.topic), el("td", {}, row.partition), el("td", { class: "mono" }, row.worker));
      tr.append(el("td", { class: "lag" }, row.lag.toLocaleString()));
      const trend = el("td");
      trend.append(sparkline(row.lag_history || [], widest));
      tr.append(trend, el("td", {}, row.offset.toLocaleString()));
      tr.append(el("td", {}, ago(row.idle_seconds)));
      const state = el("td");
      state.append(el("span", { class: `ops-state ${row.state}` }, row.state));
      tr.append(state);
      body.append(tr);
    }
    if (!rows.length) {
      const tr = el("tr");
      tr.append(el("td", { colspan: 8, class: "muted" }, "No worker reports partitions."));
      body.append(tr);
    }
  }

  function drawWorkers(status) {
    const body = $("#workers tbody");
    body.replaceChildren();
    for (const worker of status.workers) {
      const tr = el("tr", { "data-worker": worker.worker, "data-reporting": worker.reporting });
      tr.append(el("td", { class: "mono" }, worker.worker));
      const reporting = el("td");
      reporting.append(
        worker.reporting
          ? el("span", { class: "ops-state ok" }, "yes")
          : el("span", { class: "ops-state stalled" }, `silent ${ago(worker.silent_seconds)}`),
      );
      tr.append(reporting, el("td", {}, worker.events_per_second.toFixed(1)), el("td", { class: "rules-version" }, worker.rules_version));
      const cap = worker.safety_cap;
      tr.append(el("td", { class: "safety-cap" }, cap.active ? `ON ${cap.rules.join(", ")}`.trim() : "off"));
      body.append(tr);
    }
  }

  function drawHolds(status) {
    const buckets = status.holds_by_rule.buckets;
    const totals = {};
    for (const bucket of buckets) {
      for (const [rule, hits] of Object.entries(bucket.hits)) totals[rule] = (totals[rule] || 0) + hits;
    }
    const rules = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
    const colour = (rule) => PALETTE[rules.indexOf(rule) % PALETTE.length];
    const highest = Math.max(1, ...buckets.map((b) => Object.values(b.hits).reduce((s, n) => s + n, 0)));
    const width = 720, height = 160, left = 34, bottom = 18;
    const step = (width - left) / Math.max(1, buckets.length);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Holds by rule per 5 minutes" });
    const plot = height - bottom;
    chart.append(svg("line", { x1: left, y1: plot, x2: width, y2: plot, stroke: "#999" }));
    const label = svg("text", { x: left - 4, y: 10, "text-anchor": "end", "font-size": 10, fill: "#636b7a" });
    label.textContent = String(highest);
    chart.append(label);
    buckets.forEach((bucket, i) => {
      let y = plot;
      for (const rule of rules) {
        const hits = bucket.hits[rule] || 0;
        if (!hits) continue;
        const h = (hits / highest) * (plot - 6);
        y -= h;
        const rect = svg("rect", { x: left + i * step + 0.5, y, width: Math.max(1, step - 1), height: h, fill: colour(rule), "data-rule": rule });
        const title = svg("title");
        title.textContent = `${clock(bucket.start)} ${rule}: ${hits}`;
        rect.append(title);
        chart.append(rect);
      }
      if (i % 12 === 0) {
        const tick = svg("text", { x: left + i * step, y: height - 4, "font-size": 10, fill: "#636b7a" });
        tick.textContent = clock(bucket.start).slice(0, 5);
        chart.append(tick);
      }
    });
    $("#holds-chart").replaceChildren(chart);
    const legend = $("#holds-legend");
    legend.replaceChildren();
    for (const rule of rules) {
      const item = el("li", { "data-rule": rule });
      const swatch = el("span", { class: "ops-swatch" });
      swatch.style.background = colour(rule);
      item.append(swatch, document.createTextNode(`${rule} ${totals[rule]}`));
      legend.append(item);
    }
    if (!rules.length) legend.append(el("li", { class: "muted" }, "No holds in the last 6 hours."));
  }

  function drawDeadLetters(status) {
    const body = $("#dead-letters tbody");
    body.replaceChildren();
    for (const letter of status.dead_letters) {
      const tr = el("tr");
      tr.append(
        el("td", {}, clock(letter.at)),
        el("td", { class: "mono" }, `${letter.topic}[${letter.partition}]@${letter.offset}`),
        el("td", { class: "mono" }, letter.key ?? "–"),
        el("td", { class: "wrap" }, letter.error),
      );
      body.append(tr);
    }
    if (!status.dead_letters.length) {
      const tr = el("tr");
      tr.append(el("td", { colspan: 4, class: "muted" }, "No dead letters."));
      body.append(tr);
    }
  }

  async function refresh() {
    let reply;
    try {
      reply = await fetch("/api/operations/status", { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      $("#problem").textContent = `The review API does not answer (${error.message}).`;
      return;
    }
    if (reply.status === 401) {
      $("#signin").hidden = false;
      $("#overview").hidden = true;
      $("#panels").hidden = true;
      return;
    }
    if (!reply.ok) {
      $("#problem").textContent = `The status could not be read (HTTP ${reply.status}).`;
      return;
    }
    const status = await reply.json();
    $("#problem").textContent = "";
    $("#signin").hidden = true;
    $("#overview").hidden = false;
    $("#panels").hidden = false;
    drawOverview(status);
    drawPartitions(status);
    drawWorkers(status);
    drawHolds(status);
    drawDeadLetters(status);
    $("#updated").textContent = `Updated ${clock(status.now)}; a partition with lag and no progress for ${status.stall_seconds} s is stalled.`;
  }

  refresh();
  setInterval(refresh, POLL_MS);
})();
