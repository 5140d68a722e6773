/* 双万 offices' dashboard: reads the reporting service's JSON API (../reports/…) with the office
 * token kept in sessionStorage, draws tables and ECharts charts, and saves exports from Blobs.
 * No inline script or style anywhere (the page runs under script-src 'self'; style-src 'self'). */
(function () {
  "use strict";

  const API = document.body.dataset.api || "../reports/";
  // Where this office's write services serve their pages (…/office/), by event family, where their
  // addresses are configured: a problem its own services keep links to its card on the ledger page,
  // an organ of a campaign it runs to that campaign's rectification form.
  const OFFICE = document.body.dataset.office || "";
  const PAGES = JSON.parse(document.body.dataset.offices || "{}");
  const ROLE_NAMES = { admin: "管理员", clerk: "联络员", viewer: "查看人员" };
  const $ = (id) => document.getElementById(id);

  // ---- formatting (zh-CN; shares as percentages with one decimal; yuan from exact decimal strings)

  const INTEGER = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });
  const DASH = "—";

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Round half up to one decimal, from the API's figure (rounded to 4 places): exact integer steps,
  // so 0.5625 shows 56.3% and 0.4293 shows 42.9%.
  function oneDecimal(value, scale) {
    const sign = value < 0 ? "-" : "";
    const units = Math.round(Math.abs(value) * 10000);           // value × 10⁴, an integer
    const step = 1000 / scale;                                    // units per tenth of the shown figure
    const tenths = Math.floor((units + step / 2) / step);
    return sign + grouped(String(Math.floor(tenths / 10))) + "." + (tenths % 10);
  }

  const fmt = {
    int: (v) => (v === null || v === undefined ? DASH : INTEGER.format(v)),
    rate: (v) => (v === null || v === undefined ? DASH : oneDecimal(v, 100) + "%"),
    score: (v) => (v === null || v === undefined ? DASH : oneDecimal(v, 1)),
    days: (v) => (v === null || v === undefined ? DASH : oneDecimal(v, 1)),
    yuan: (v) => {
      if (v === null || v === undefined || v === "") return DASH;
      const text = String(v);
      const negative = text.startsWith("-");
      const [whole, fraction = ""] = text.replace("-", "").split(".");
      return (negative ? "-" : "") + grouped(whole) + "." + (fraction + "00").slice(0, 2);
    },
    flag: (v) => (v ? "是" : ""),
    list: (v) => (Array.isArray(v) ? v.join("、") : v || ""),
    text: (v) => (v === null || v === undefined || v === "" ? DASH : String(v)),
  };

  // ECharts tooltips are HTML: names from the records are escaped.
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function show(value, kind) {
    return (fmt[kind] || fmt.text)(value);
  }

  // ---- dates (China Standard Time)

  function cstToday() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
                                              day: "2-digit" }).format(new Date());
  }

  function addDays(iso, days) {
    const d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function lastWeeks(n) {
    const today = cstToday();
    const weekday = (new Date(today + "T00:00:00Z").getUTCDay() + 6) % 7;   // Monday 0
    return { from: addDays(today, -weekday - 7 * (n - 1)), to: today };
  }

  // ---- token

  // (kept by /common/pages.js as the offices' forms keep it: one sign-in serves both, behind one address)
  const officeToken = window.Pages.officeToken;
  const token = () => officeToken.get();

  // ---- API

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== "") q.set(k, v);
    }
    const text = q.toString();
    return text ? "?" + text : "";
  }

  async function call(path, params) {
    const response = await fetch(API + path + query(params || {}), {
      headers: { Authorization: "Bearer " + token(), Accept: "application/json" },
      cache: "no-store",
    });
    if (!response.ok) {
      let message = `服务返回 ${response.status}`;
      try {
        const body = await response.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (e) { /* not JSON */ }
      throw new ApiError(response.status, message);
    }
    return response.json();
  }

  function filename(disposition, fallback) {
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (star) {
      try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ }
    }
    const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
    return plain ? plain[1] : fallback;
  }

  async function download(name, format) {
    const source = state.exports[name];
    if (!source) return;
    setStatus("正在导出……");
    try {
      const response = await fetch(API + source.path + query({ ...source.params, format }), {
        headers: { Authorization: "Bearer " + token() },
        cache: "no-store",
      });
      if (!response.ok) throw new ApiError(response.status, `导出失败（${response.status}）`);
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = filename(response.headers.get("Content-Disposition"), `${name}.${format}`);
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setStatus(`已导出：${link.download}`);
    } catch (error) {
      failed(error);
    }
  }

  // ---- state: region, period and campaign live in the URL fragment (never the token)

  const state = {
    home: null,          // the region the office sees by default (its jurisdiction's top)
    names: {},           // region code → name, from the reports
    exports: {},         // export name → {path, params} of the table shown
    loading: 0,
  };

  function view() {
    const h = new URLSearchParams(location.hash.slice(1));
    return { region: h.get("region") || "", weeks: h.get("weeks") || "", from: h.get("from") || "",
             to: h.get("to") || "", campaign: h.get("campaign") || "" };
  }

  function hashOf(v) {
    const h = new URLSearchParams();
    for (const k of ["region", "weeks", "from", "to", "campaign"]) if (v[k]) h.set(k, v[k]);
    return "#" + h.toString();
  }

  function go(changes) {
    const next = hashOf({ ...view(), ...changes });
    if (next === location.hash || (next === "#" && !location.hash)) load();
    else location.hash = next;
  }

  function period(v) {
    if (v.weeks) return lastWeeks(parseInt(v.weeks, 10));
    return { from: v.from, to: v.to };
  }

  // ---- page chrome

  function setStatus(text) {
    $("status").textContent = text;
  }

  function setError(text) {
    $("error").textContent = text || "";
    $("error").hidden = !text;
  }

  function failed(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut("令牌无效或已过期，请重新登录。");
      return;
    }
    // The API's messages are for integrators (English): the office reads a Chinese one.
    const status = error instanceof ApiError ? error.status : 0;
    if (!status) console.error(error);  // a network failure or a bug of this page: keep it visible
    const text = {
      403: "无权查看：所选地区不在本单位的管辖范围内，或超出本统计服务的范围。",
      404: "未找到所选的评议活动或数据。",
      409: "评议结果已封存，活动结束后才能查看。",
      422: "查询条件有误（地区代码或日期无效），请检查后重试。",
      503: "统计服务暂时不可用，请稍后刷新。",
    }[status] || (status ? `加载失败（服务返回 ${status}），请稍后重试。` : "加载失败：无法连接统计服务，请检查网络后重试。");
    setError(text);
    setStatus("");
  }

  function signedIn() {
    $("sign-in").hidden = true;
    $("board").hidden = false;
    $("who").hidden = false;
  }

  function signOut(message) {
    officeToken.forget();
    state.home = null;
    state.shown = undefined;
    $("board").hidden = true;
    $("who").hidden = true;
    $("sign-in").hidden = false;
    $("token-input").value = "";
    $("sign-in-error").textContent = message || "";
    $("sign-in-error").hidden = !message;
    $("token-input").focus();
  }

  function whoText() {
    const c = officeToken.claims();
    const region = state.names[c.region] || c.region || "";
    const until = c.exp ? new Date(c.exp * 1000).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false })
      : "";
    $("who-text").textContent = `${region} · ${ROLE_NAMES[c.role] || c.role || ""}` + (until ? ` · 有效期至 ${until}` : "");
  }

  // ---- tables

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const NUMERIC = new Set(["int", "rate", "score", "days", "yuan"]);

  // A report table: the API's column titles and kinds; `keys` picks and orders the columns; `link`
  // (a row's drill-down hash) or `away` (another page's address, `awayTitle` what it is for) makes
  // its first cell a link.
  function renderTable(container, table, options) {
    const opts = options || {};
    const byKey = Object.fromEntries(table.columns.map((c) => [c.key, c]));
    const columns = (opts.keys || table.columns.map((c) => c.key)).filter((k) => byKey[k]).map((k) => byKey[k]);
    const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col", class: NUMERIC.has(c.kind) ? "num" : "",
                                                              text: c.title })));
    const body = el("tbody");
    for (const row of table.rows) {
      const tr = el("tr", { "data-key": row.key || "" });
      if (opts.rowClass) tr.className = opts.rowClass(row) || "";
      columns.forEach((c, i) => {
        const text = show(row[c.key], c.kind);
        const link = i === 0 && opts.link ? opts.link(row) : null;
        const away = i === 0 && opts.away ? opts.away(row) : null;  // another page, in a tab of its own
        const content = link ? el("a", { href: link, text })
          : away ? el("a", { href: away, text, target: "_blank", rel: "noopener", title: opts.awayTitle || "" }) : text;
        const cell = el(i === 0 ? "th" : "td", { class: (NUMERIC.has(c.kind) ? "num " : "") + "col-" + c.key }, content);
        if (i === 0) cell.scope = "row";
        if (opts.badges && i === 0) opts.badges(row).forEach((b) => cell.append(" ", el("span", { class: "badge " + b[0], text: b[1] })));
        tr.append(cell);
      });
      if (opts.link && opts.link(row)) {
        tr.classList.add("drill");
        tr.addEventListener("click", (event) => {
          if (event.target.closest("a")) return;
          location.hash = opts.link(row);
        });
      }
      body.append(tr);
    }
    const parts = [el("thead", {}, head), body];
    if (table.total && opts.total !== false) {
      const foot = el("tr", { class: "total" }, ...columns.map((c, i) =>
        el(i === 0 ? "th" : "td", { class: (NUMERIC.has(c.kind) ? "num " : "") + "col-" + c.key,
                                    text: i === 0 ? "合计" : (c.key === "name" ? "" : show(table.total[c.key], c.kind)) })));
      parts.push(el("tfoot", {}, foot));
    }
    if (!table.rows.length) {
      body.append(el("tr", {}, el("td", { colSpan: columns.length, class: "empty", text: opts.empty || "暂无数据" })));
    }
    container.replaceChildren(el("table", { class: "report" }, ...parts));
  }

  function exportButtons() {
    for (const holder of document.querySelectorAll("[data-export]")) {
      const name = holder.dataset.export;
      for (const [format, label] of [["xlsx", "导出Excel"], ["csv", "导出CSV"]]) {
        const button = el("button", { type: "button", class: "button small", text: label, "data-format": format });
        button.addEventListener("click", () => download(name, format));
        holder.append(button);
      }
    }
  }

  // ---- charts (ECharts, canvas)

  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif';
  const PALETTE = ["#1d4e89", "#3a7bc8", "#7fb2e5", "#1b7f5b", "#43a67c", "#e39b2d", "#7a4fa3", "#a07cc5", "#c9b3e0"];
  const charts = {};

  function chart(id, option) {
    const node = $(id);
    if (!charts[id]) charts[id] = echarts.init(node, null, { renderer: "canvas", locale: "ZH" });
    charts[id].setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option }, true);
    charts[id].resize();
    return charts[id];
  }

  function emptyChart(id, text) {
    chart(id, { title: { text: text || "暂无数据", left: "center", top: "middle",
                         textStyle: { color: "#5b6472", fontSize: 14, fontWeight: "normal" } } });
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

  // Leading-cadre coverage per line of the drill-down, highest first (the region's own organs grey).
  function coverageChart(table, current) {
    const rows = table.rows.filter((r) => r.leading > 0 && r.leading_coverage !== null)
      .sort((a, b) => b.leading_coverage - a.leading_coverage);
    if (!rows.length) return emptyChart("chart-coverage", "本地区暂无领导干部数据");
    $("chart-coverage").style.height = Math.max(200, rows.length * 24 + 56) + "px";
    const c = chart("chart-coverage", {
      grid: { left: 8, right: 56, top: 8, bottom: 28, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => fmt.rate(v / 100) },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: "#333" } },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name), axisTick: { show: false },
               axisLabel: { color: "#333" } },
      series: [{ type: "bar", name: "领导干部覆盖率", barMaxWidth: 16,
                 data: rows.map((r) => ({ value: Math.round(r.leading_coverage * 1000) / 10, code: r.key,
                                          itemStyle: { color: r.key === current ? "#7a8699" : "#1d4e89" } })),
                 label: { show: true, position: "right", color: "#222", fontSize: 11,
                          formatter: (p) => fmt.rate(p.value / 100) } }],
    });
    c.off("click");
    c.on("click", (p) => {
      if (p.data && p.data.code && p.data.code !== current) go({ region: p.data.code });
    });
  }

  function weeklyChart(weeks, perWeek) {
    if (!weeks.length) return emptyChart("chart-weekly", "本时段暂无走访");
    const activities = perWeek.length ? perWeek[0].rows.map((r) => ({ key: r.key, name: r.name })) : [];
    chart("chart-weekly", {
      color: PALETTE,
      legend: { bottom: 0, left: "center", itemWidth: 14, itemHeight: 10, textStyle: { color: "#333" } },
      grid: { left: 40, right: 12, top: 16, bottom: 104 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: weeks.map((w) => `${w.key.slice(5)}\n${w.name.slice(5, 10)}`),
               axisLabel: { color: "#333", interval: 0, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: "#333" } },
      series: activities.map((a) => ({
        type: "bar", stack: "visits", name: a.name, barMaxWidth: 40,
        data: perWeek.map((t) => (t.rows.find((r) => r.key === a.key) || { visits: 0 }).visits),
      })),
    });
  }

  function funnelChart(total) {
    const stages = [["新增问题", total.raised], ["交办", total.assigned], ["销号", total.closed]];
    const max = Math.max(1, ...stages.map((s) => s[1] || 0));
    chart("chart-funnel", {
      color: ["#1d4e89", "#3a7bc8", "#1b7f5b"],
      tooltip: { trigger: "item", formatter: (p) => `${p.name}：${fmt.int(p.value)} 个` },
      series: [{ type: "funnel", sort: "none", left: "8%", width: "58%", top: 16, bottom: 16, min: 0, max,
                 minSize: "12%", gap: 4,
                 label: { position: "inside", color: "#fff", fontSize: 14, formatter: (p) => `${p.name} ${fmt.int(p.value)}` },
                 data: stages.map(([name, value]) => ({ name, value: value || 0 })) }],
      graphic: [
        { type: "text", right: "6%", top: "28%", style: { text: "逾期", fill: "#5b6472", font: `14px ${FONT}` } },
        { type: "text", right: "6%", top: "36%",
          style: { text: `${fmt.int(total.overdue)} 个`, fill: total.overdue ? "#b3261e" : "#1b7f5b", font: `bold 26px ${FONT}` } },
        { type: "text", right: "6%", top: "56%", style: { text: "办结率", fill: "#5b6472", font: `14px ${FONT}` } },
        { type: "text", right: "6%", top: "64%",
          style: { text: fmt.rate(total.resolution_rate), fill: "#1d4e89", font: `bold 26px ${FONT}` } },
      ],
    });
  }

  // Diverging: low satisfaction in red, high in blue; labels white on the darkest cells.
  const HEAT = { min: 60, colors: ["#b3261e", "#f4a582", "#f7f7f7", "#92c5de", "#1d4e89"] };

  function heatmapChart(dimensions, weighted) {
    const organs = [];
    const seen = new Set();
    for (const r of dimensions.rows) if (!seen.has(r.key)) { seen.add(r.key); organs.push({ key: r.key, name: r.name }); }
    const dims = [];
    const seenDims = new Set();
    for (const r of dimensions.rows) if (!seenDims.has(r.dimension)) { seenDims.add(r.dimension); dims.push(r); }
    if (!organs.length) return emptyChart("chart-heatmap", "暂无评议数据");
    $("chart-heatmap").style.height = Math.max(260, organs.length * 26 + 110) + "px";
    const index = Object.fromEntries(organs.map((o, i) => [o.key, i]));
    const dimIndex = Object.fromEntries(dims.map((d, i) => [d.dimension, i]));
    const data = dimensions.rows.map((r) => {
      const rate = weighted && r.weighted_satisfaction_rate !== null ? r.weighted_satisfaction_rate : r.satisfaction_rate;
      const value = rate === null ? "-" : Math.round(rate * 1000) / 10;
      const dark = value !== "-" && (value < 68 || value > 96);
      return { value: [dimIndex[r.dimension], index[r.key], value], row: r, rate,
               label: { color: dark ? "#fff" : "#111" } };
    });
    const low = Math.min(HEAT.min, ...data.map((d) => d.value[2]).filter((v) => v !== "-"));
    chart("chart-heatmap", {
      tooltip: { formatter: (p) => {
        const r = p.data.row;
        return `${esc(r.name)}<br>${esc(r.dimension_name)}：满意率 ${fmt.rate(p.data.rate)}<br>` +
               `有效样本 ${fmt.int(r.valid_n)}，不了解 ${fmt.rate(r.unknown_share)}`;
      } },
      grid: { left: 222, right: 12, top: 30, bottom: 64 },
      xAxis: { type: "category", data: dims.map((d) => d.dimension_name), position: "top",
               axisLabel: { color: "#333" }, axisTick: { show: false } },
      yAxis: { type: "category", data: organs.map((o) => o.name), inverse: true, axisTick: { show: false },
               axisLabel: { color: "#333", fontSize: 11, width: 212, overflow: "truncate", ellipsis: "…" } },
      visualMap: { type: "continuous", min: Math.floor(low), max: 100, calculable: false, orient: "horizontal",
                   left: "center", bottom: 8, itemHeight: 220, itemWidth: 12, text: ["100%", `${Math.floor(low)}%`],
                   textStyle: { color: "#333" }, inRange: { color: HEAT.colors } },
      series: [{ type: "heatmap", data, label: { show: true, fontSize: 10,
                                                 formatter: (p) => (p.value[2] === "-" ? DASH : p.value[2].toFixed(1)) },
                 itemStyle: { borderColor: "#fff", borderWidth: 1 } }],
    });
  }

  // Every organ category (序列) its own block: ranked organs by rank, then the unranked
  // (valid n below the threshold) greyed; the bottom N of each category in red.
  function rankingChart(organs) {
    const categories = [];
    for (const r of organs.rows) {
      if (r.score === null) continue;
      let c = categories.find((x) => x.key === r.category);
      if (!c) categories.push(c = { key: r.category, name: r.category_name, rows: [] });
      c.rows.push(r);
    }
    if (!categories.length) return emptyChart("chart-ranking", "暂无得分");
    const option = { title: [], grid: [], xAxis: [], yAxis: [], series: [],
                     tooltip: { trigger: "item", formatter: (p) => {
                       const r = p.data.row;
                       return `${esc(r.name)}（${esc(r.category_name)}）<br>综合得分 ${fmt.score(r.score)}，满意率 ${fmt.rate(r.satisfaction_rate)}<br>` +
                              `有效样本 ${fmt.int(r.valid_n)}` +
                              (r.low_n ? "，样本不足，不参与排名" : `，序列内第 ${r.rank_in_category} 名`) +
                              (r.bottom ? "<br>序列末位" : "");
                     } } };
    let top = 4;
    categories.forEach((c, i) => {
      c.rows.sort((a, b) => (a.rank_in_category === null) - (b.rank_in_category === null) ||
                            (a.rank_in_category || 0) - (b.rank_in_category || 0) || b.score - a.score);
      const height = c.rows.length * 24;
      option.title.push({ text: `${c.name}（${c.rows.length}）`, left: 0, top,
                          textStyle: { fontSize: 13, fontWeight: "bold", color: "#7a1414", fontFamily: FONT } });
      option.grid.push({ left: 222, right: 150, top: top + 24, height });
      option.xAxis.push({ gridIndex: i, type: "value", min: 0, max: 100, axisLabel: { show: i === categories.length - 1, color: "#333" },
                          splitLine: { lineStyle: { color: "#e6e9ee" } } });
      option.yAxis.push({ gridIndex: i, type: "category", inverse: true, data: c.rows.map((r) => r.name), axisTick: { show: false },
                          axisLabel: { color: "#333", fontSize: 11, width: 212, overflow: "truncate", ellipsis: "…" } });
      option.series.push({
        type: "bar", xAxisIndex: i, yAxisIndex: i, barMaxWidth: 16,
        data: c.rows.map((r) => ({ value: Math.round(r.score * 10) / 10, row: r,
                                   itemStyle: { color: r.bottom ? "#b3261e" : r.low_n ? "#9aa3af" : "#1d4e89" } })),
        label: { show: true, position: "right", color: "#222", fontSize: 11, formatter: (p) => {
          const r = p.data.row;
          if (r.low_n) return `${fmt.score(r.score)}  样本不足 n=${r.valid_n}`;
          return `${fmt.score(r.score)}  第${r.rank_in_category}名` + (r.bottom ? " 末位" : "");
        } },
      });
      top += 24 + height + 18;
    });
    $("chart-ranking").style.height = top + 24 + "px";
    chart("chart-ranking", option);
  }

  // ---- the overview figures

  const GROUPS = {
    "kpis-visits": ["visits", "cadres_taking_part", "leading_coverage", "report_completion", "people_reached",
                    "funds_yuan", "points_compliance", "pairings_active"],
    "kpis-problems": ["problems_raised", "problems_closed", "problems_overdue", "resolution_rate"],
  };

  function kpi(key, title, value, kind, extra) {
    const card = el("div", { class: "kpi" + (extra ? " " + extra : ""), "data-key": key },
                    el("dt", { text: title }), el("dd", { class: "value", text: show(value, kind) }));
    return card;
  }

  function renderKpis(overview) {
    const columns = Object.fromEntries(overview.columns.map((c) => [c.key, c]));
    const total = overview.total || {};
    for (const [id, keys] of Object.entries(GROUPS)) {
      $(id).replaceChildren(...keys.filter((k) => columns[k]).map((k) =>
        kpi(k, columns[k].title, total[k], columns[k].kind, k === "problems_overdue" && total[k] ? "alert" : "")));
    }
  }

  // Satisfaction over every valid answer of the campaign (pooled): Σ satisfied ÷ Σ valid, the
  // satisfied counts recovered exactly from each organ × dimension's rate and valid n.
  function overallSatisfaction(dimensions) {
    let satisfied = 0;
    let valid = 0;
    for (const r of dimensions.rows) {
      if (!r.valid_n || r.satisfaction_rate === null) continue;
      satisfied += Math.round(r.satisfaction_rate * r.valid_n);
      valid += r.valid_n;
    }
    return valid ? satisfied / valid : null;
  }

  // The campaign's figures: responses of the period when its scores could be read (`meta`), else
  // the campaign's whole count from the campaigns list.
  function renderAppraisalKpis(campaign, dimensions, meta) {
    const items = [];
    if (campaign) {
      const counts = meta || campaign;
      items.push(kpi("campaign_responses", "回收问卷(份)", counts.responses, "int"));
      items.push(kpi("campaign_response_rate", "回收率", counts.response_rate, "rate"));
      items.push(kpi("campaign_targets", "评议对象数", campaign.targets, "int"));
      items.push(kpi("campaign_opinions", "网上意见(条)", campaign.opinions, "int"));
      if (dimensions) items.push(kpi("satisfaction", "总体满意率", overallSatisfaction(dimensions), "rate"));
      else items.push(kpi("satisfaction", "总体满意率", campaign.sealed ? "结果封存" : null, "text"));
    }
    if (!campaign) items.push(kpi("campaign", "评议活动", "暂无", "text"));
    $("kpis-appraisal").replaceChildren(...items);
  }

  // ---- breadcrumb

  // From the office's own region down to `code`: province → city → county.
  function lineage(code) {
    const chain = [];
    for (const c of [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code]) if (!chain.includes(c)) chain.push(c);
    const start = chain.indexOf(state.home);
    return start >= 0 ? chain.slice(start) : [state.home, code];
  }

  async function renderBreadcrumb(code) {
    const codes = lineage(code);
    for (const c of codes) {
      if (!state.names[c]) {
        try { state.names[c] = (await call("overview", { region: c })).region.name; } catch (e) { state.names[c] = c; }
      }
    }
    const list = el("ol");
    codes.forEach((c, i) => {
      const last = i === codes.length - 1;
      list.append(el("li", {}, last ? el("span", { "aria-current": "page", text: state.names[c] })
        : el("a", { href: hashOf({ ...view(), region: c === state.home ? "" : c }), text: state.names[c] })));
    });
    $("breadcrumb").replaceChildren(list);
  }

  // ---- loading a view

  function describePeriod(p, asOf) {
    if (!p.from && !p.to) return `统计时段：全部（截至 ${asOf}）`;
    return `统计时段：${p.from || "开始"} 至 ${p.to || "今天"}（状态判断日 ${asOf}）`;
  }

  function syncFilters(v, p) {
    $("period").value = v.weeks ? v.weeks : (v.from || v.to ? "custom" : "all");
    $("from").value = p.from || "";
    $("to").value = p.to || "";
  }

  async function loadAppraisal(v, p, campaigns, my) {
    const select = $("campaign");
    select.replaceChildren(...campaigns.rows.map((c) => el("option", { value: c.key, text: `${c.name}（${c.status_name}）` })));
    if (!campaigns.rows.length) select.append(el("option", { value: "", text: "（无评议活动）" }));
    const campaign = campaigns.rows.find((c) => c.key === v.campaign) || campaigns.rows[0] || null;
    select.value = campaign ? campaign.key : "";
    $("appraisal-body").hidden = !campaign;
    if (!campaign) {
      $("campaign-text").textContent = "本地区暂无评议活动。";
      renderAppraisalKpis(null, null);
      return;
    }
    const region = campaign.region;
    const params = { region, from: p.from, to: p.to };
    const sealed = campaign.sealed && campaign.status !== "closed";
    $("campaign-text").textContent = `${campaign.name} · ${campaign.region_name}组织 · ${campaign.status_name}` +
      (campaign.opened_on ? ` · ${campaign.opened_on} 开始` : "") + (campaign.closed_on ? `，${campaign.closed_on} 结束` : "");
    const base = `appraisal/${encodeURIComponent(campaign.key)}/`;
    if (sealed) {
      renderAppraisalKpis(campaign, null);
      $("appraisal-body").hidden = true;
      $("campaign-text").textContent += " · 评议结果封存至活动结束";
      return;
    }
    const [organs, dimensions, responses] = await Promise.all([
      call(base + "organs", params), call(base + "dimensions", params), call(base + "responses", params)]);
    if (my !== state.loading) return;
    state.exports.organs = { path: base + "organs", params };
    state.exports.dimensions = { path: base + "dimensions", params };
    state.exports.responses = { path: base + "responses", params };
    const meta = organs.campaign || {};
    renderAppraisalKpis(campaign, dimensions, organs.campaign);
    $("campaign-text").textContent += ` · ${meta.weighted ? "按参评人员类别加权" : "不加权"}，` +
      `有效样本少于 ${meta.min_valid_n} 的不参与排名，每序列标出末 ${meta.bottom_n} 位`;
    heatmapChart(dimensions, meta.weighted);
    rankingChart(organs);
    const keys = ["name", "category_name", "region_name", "valid_n", "score", "satisfaction_rate", "unknown_share",
                  "grade_name", "rank_in_category", "rank_overall", "opinions"];
    if (meta.weighted) keys.splice(6, 0, "pooled_score", "pooled_satisfaction_rate");
    renderTable($("table-organs"), organs, {
      keys, away: (r) => rectificationOf(campaign, r), awayTitle: "到评议活动页登记整改问题",
      rowClass: (r) => (r.bottom ? "row-bottom" : r.low_n ? "row-lown" : ""),
      badges: (r) => [...(r.bottom ? [["bottom", "末位"]] : []), ...(r.low_n ? [["lown", "样本不足"]] : [])],
    });
    $("organs-sub").hidden = !organs.rows.some((r) => rectificationOf(campaign, r));
    renderTable($("table-responses"), responses, { keys: ["name", "issued", "responses", "response_rate", "quota",
                                                          "quota_rate", "over_returned"] });
  }

  async function load() {
    if (!token()) return signOut();
    const my = ++state.loading;
    const v = view();
    const p = period(v);
    const moved = state.shown !== undefined && state.shown !== (v.region || state.home);
    setError("");
    setStatus("正在加载……");
    try {
      if (!state.home) {
        const home = await call("overview", { from: p.from, to: p.to });
        state.home = home.region.code;
        state.names[home.region.code] = home.region.name;
      }
      signedIn();
      whoText();
      const region = v.region || state.home;
      const params = { region, from: p.from, to: p.to };
      const [overview, cadres, weekly, activity, practices, meetings, problems, overdue, campaigns] = await Promise.all([
        call("overview", params), call("cadres", params), call("visits/weekly", params),
        call("visits", { ...params, by: "activity" }), call("practices", params), call("meetings", params),
        call("problems", params), call("problems/overdue", params), call("appraisal/campaigns", { region: state.home }),
      ]);
      if (my !== state.loading) return;
      state.names[overview.region.code] = overview.region.name;
      const children = overview.rows.filter((r) => r.key !== region);
      for (const r of children) state.names[r.key] = r.name;
      state.exports = {
        overview: { path: "overview", params }, cadres: { path: "cadres", params },
        weekly: { path: "visits/weekly", params }, activity: { path: "visits", params: { ...params, by: "activity" } },
        practices: { path: "practices", params }, meetings: { path: "meetings", params },
        problems: { path: "problems", params }, overdue: { path: "problems/overdue", params },
      };
      syncFilters(v, p);
      $("region-title").textContent = overview.region.name;
      $("period-text").textContent = describePeriod(overview.period, overview.as_of);
      renderKpis(overview);
      await renderBreadcrumb(region);
      if (moved) window.scrollTo(0, 0);  // another region: its figures first
      $("regions-sub").textContent = children.length
        ? "点击地区名称或所在行，查看下一级地区；“本级”为本级机关自身的记录。"
        : "已是最低一级地区。";
      renderTable($("table-overview"), overview, {
        keys: ["name", ...overview.columns.map((c) => c.key).filter((k) => k !== "key" && k !== "name")],
        link: (r) => (r.key !== region ? hashOf({ ...v, region: r.key }) : null),
        rowClass: (r) => (r.key === region ? "own" : ""),
      });
      coverageChart(cadres, region);
      renderTable($("table-cadres"), cadres, { keys: ["name", "leading", "leading_visited", "leading_coverage",
                                                      "reports", "report_completion"] });
      renderTable($("table-weekly"), weekly, { keys: ["name", "visits", "cadres", "people_reached", "funds_yuan",
                                                      "problems"] });
      renderTable($("table-activity"), activity, { keys: activity.columns.map((c) => c.key).filter((k) => k !== "key") });
      const drill = (r) => (r.key !== region && children.length ? hashOf({ ...v, region: r.key }) : null);
      for (const [id, table] of [["table-practices", practices], ["table-meetings", meetings]]) {
        renderTable($(id), table, { keys: table.columns.map((c) => c.key).filter((k) => k !== "key"), link: drill });
      }
      funnelChart(problems.total || {});
      renderTable($("table-problems"), problems, { keys: problems.columns.map((c) => c.key).filter((k) => k !== "key"),
                                                   link: (r) => (r.key !== region && children.length ? hashOf({ ...v, region: r.key }) : null) });
      $("overdue-count").textContent = `（${fmt.int(overdue.rows.length)} 个，截至 ${overdue.as_of}）`;
      renderTable($("table-overdue"), overdue, { empty: "没有逾期问题", away: ledgerOf, awayTitle: "到问题台账办理",
                                                 rowClass: (r) => (r.days_overdue >= 30 ? "row-bottom" : "") });
      $("overdue-sub").hidden = !overdue.rows.some(ledgerOf);

      // Visits per ISO week by activity: one small query per week of the table, clipped to the period.
      const weeks = weekly.rows;
      const perWeek = await Promise.all(weeks.map((w) => {
        const [monday, sunday] = w.name.split(" ~ ");
        return call("visits", { region, by: "activity", from: p.from && p.from > monday ? p.from : monday,
                                to: p.to && p.to < sunday ? p.to : sunday });
      }));
      if (my !== state.loading) return;
      weeklyChart(weeks, perWeek);

      await loadAppraisal(v, p, campaigns, my);
      if (my !== state.loading) return;
      setStatus("数据已更新：" + new Date().toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }));
      state.shown = region;
      document.body.dataset.ready = String(my);
    } catch (error) {
      if (my === state.loading) failed(error);
    }
  }

  /** The address of an overdue problem on this office's ledger page, if its own service keeps it. */
  function ledgerOf(row) {
    const pages = row.office === OFFICE ? PAGES[row.family] : null;
    return pages ? `${pages}problems?problem=${encodeURIComponent(row.key)}` : null;
  }

  /** The rectification form for an organ of `campaign` on the campaigns page, if this office runs it. */
  function rectificationOf(campaign, row) {
    const pages = campaign.office === OFFICE && campaign.status !== "draft" ? PAGES.appraisal : null;
    return pages ? `${pages}campaigns?campaign=${encodeURIComponent(campaign.key)}&organ=${encodeURIComponent(row.key)}` : null;
  }

  // ---- wiring

  function start() {
    if (typeof echarts === "undefined") {
      setError("图表组件未能加载（/vendor/echarts），请联系系统管理员。");
    }
    exportButtons();
    for (const id of ["from", "to"]) $(id).max = cstToday();
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (!officeToken.keep($("token-input").value)) {
        $("sign-in-error").textContent = "这不是有效的访问令牌，请检查后重新输入。";
        $("sign-in-error").hidden = false;
        return;
      }
      $("sign-in-error").hidden = true;
      load();
    });
    $("sign-out").addEventListener("click", () => signOut());
    $("period").addEventListener("change", () => {
      const choice = $("period").value;
      if (choice === "custom") { $("from").focus(); return; }
      go({ weeks: choice === "all" ? "" : choice, from: "", to: "" });
    });
    $("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      const choice = $("period").value;
      const from = $("from").value;
      const to = $("to").value;
      if (from && to && from > to) { setError("开始日期不能晚于结束日期。"); return; }
      if (choice === "custom" || (from || to) && choice === "all") go({ weeks: "", from, to, campaign: $("campaign").value });
      else go({ weeks: choice === "all" ? "" : choice, from: "", to: "", campaign: $("campaign").value });
    });
    for (const id of ["from", "to"]) $(id).addEventListener("change", () => { $("period").value = "custom"; });
    $("campaign").addEventListener("change", () => go({ campaign: $("campaign").value }));
    window.addEventListener("hashchange", load);
    if (token()) load();
    else signOut();
  }

  start();
})();
