/*
 * 双万 · online opinions (网上意见处理): GET /campaigns/<id>/opinions of a campaign, newest first,
 * filtered by organ, flagged and hidden; each opinion registered on the problem ledger
 * (POST /opinions/<id>/problem: source "opinion", assigned to its organ at once when a responsible
 * person and a deadline are given) or hidden from public view if abusive (POST /opinions/<id>/hide,
 * admin). Which opinions of a page are on the ledger already comes from GET /problems?source=opinion
 * with the page's opinion ids as `source_ref`.
 * Never who wrote an opinion: the API keeps no such thing to show.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var targets = {}, onLedger = {};  // organ id → target; opinion id → its problem
  var load = null;  // (set by start: the list's current page shown again, or its first)

  function loadCampaigns() {
    return O.all("campaigns").then(function (campaigns) {
      var select = $("campaign");
      select.textContent = "";
      if (!campaigns.length) select.appendChild(h("option", { value: "" }, "本辖区尚无评议活动"));
      campaigns.forEach(function (c) {
        var status = { draft: "草稿", open: "进行中", closed: "已结束" }[c.status] || c.status;
        select.appendChild(h("option", { value: c.id }, c.title + "（" + status + "）"));
      });
      return chooseCampaign();
    });
  }

  function chooseCampaign() {
    var id = $("campaign").value;
    $("opinions").textContent = "";
    $("summary").textContent = "";
    if (!id) return Promise.resolve();
    return O.api("GET", "campaigns/" + encodeURIComponent(id))
      .then(function (campaign) {
        targets = {};
        var organ = $("organ");
        organ.textContent = "";
        organ.appendChild(h("option", { value: "" }, "全部"));
        campaign.targets.forEach(function (t) {
          targets[t.organ_id] = t;
          organ.appendChild(h("option", { value: t.organ_id }, t.name));
        });
        return load(true);
      }, O.listError);
  }

  // --- one opinion -------------------------------------------------------------------------------

  function render(o, saved) {
    var t = O.terms, problem = onLedger[o.id];
    var card = h("li", { class: "card problem", id: "opinion-" + o.id });
    var facts = [["日期", o.submitted_on], ["渠道", t.channels[o.channel] || o.channel]];
    if (o.flags.length) facts.push(["异常标记", o.flags.map(function (f) { return t.opinion_flags[f] || f; }).join("；")]);
    if (o.hidden) facts.push(["已隐藏", o.hidden_reason || ""]);
    if (problem) facts.push(["问题台账", problem.number + "（" + (t.problem_statuses[problem.status] || problem.status) + "）"]);
    var steps = O.steps([
      problem ? null : ["登记为问题", function () { return registerForm(o, card); }],
      o.hidden ? null : ["隐藏", function () { return hideForm(o, card); }]
    ].filter(Boolean));
    [h("div", { class: "problem-head" },
        h("h2", {}, o.organ_name || "总体意见"),
        o.flags.length ? h("span", { class: "badge overdue" }, "有异常标记") : null),
     h("p", { class: "description" }, o.text),
     O.facts(facts),
     saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
     steps[0], steps[1]
    ].forEach(function (c) { if (c) card.appendChild(c); });
    return card;
  }

  function registerForm(o, card) {
    var fields = [
      O.field(["category", "问题类别", "select", "problem_categories"]),
      O.field(["description", "问题描述（默认为意见原文）", "textarea", 4000])
    ];
    fields[1].querySelector("textarea").value = o.text;
    if (o.organ_id) {  // an opinion on an organ may be assigned to it at once (交办)
      fields.push(h("p", { class: "hint" }, "如需同时交办给" + o.organ_name + "，请填写责任人和办理期限："),
        h("div", { class: "row" }, O.field(["responsible_person", "责任人（选填）", "text", 100]),
          O.field(["deadline", "办理期限（选填）", "date"])));
    }
    return O.stepForm("登记为问题", fields, "opinions/" + encodeURIComponent(o.id) + "/problem", function (form) { return O.readFields(form); },
      function (problem) {
        onLedger[o.id] = problem;
        card.replaceWith(render(o, "已登记为问题 " + problem.number + "。"));
      });
  }

  function hideForm(o, card) {
    return O.stepForm("隐藏", [O.field(["reason", "隐藏理由（如：辱骂、广告、与评议无关）", "textarea", 2000])],
      "opinions/" + encodeURIComponent(o.id) + "/hide", function (form) { return O.readFields(form, { version: o.version }); },
      function (hidden) { card.replaceWith(render(hidden, "已隐藏，不再公开显示；原文保留。")); });
  }

  /** Which of `opinions` (a page of them) are on the ledger: their problems, into `onLedger`. */
  function registered(opinions) {
    onLedger = {};
    if (!opinions.length) return Promise.resolve();
    var refs = opinions.map(function (o) { return "source_ref=" + encodeURIComponent(o.id); }).join("&");
    return O.api("GET", "problems?source=opinion&page_size=100&" + refs).then(function (page) {
      page.items.forEach(function (p) { onLedger[p.source_ref] = p; });
    });
  }

  function start() {
    $("campaign").addEventListener("change", chooseCampaign);
    load = O.pagedList({ list: "opinions", render: render, noun: "条意见", prepare: registered, path: function () {
      return "campaigns/" + encodeURIComponent($("campaign").value) + "/opinions";
    }, filters: function () {
      return { organ_id: $("organ").value, flagged: $("flagged").checked ? "true" : "",
               hidden: $("with-hidden").checked ? "" : "false" };
    } });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    loadCampaigns().catch(O.listError);
  }

  O.boot(start);
})();
