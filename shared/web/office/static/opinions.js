/*
 * 双万 · online opinions (网上意见处理): GET /campaigns/<id>/opinions of a campaign, newest first,
 * filtered by organ, flagged and hidden; each opinion registered on the problem ledger
 * (POST /opinions/<id>/problem: source "opinion", assigned to its organ at once when a responsible
 * person and a deadline are given) or hidden from public view if abusive (POST /opinions/<id>/hide,
 * admin). Which opinions are on the ledger already comes from GET /problems?source=opinion.
 * Never who wrote an opinion: the API keeps no such thing to show.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var PAGE_SIZE = 20;
  var page = 1, targets = {}, onLedger = {};  // organ id → target; opinion id → its problem
  var serial = 0;

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
    return Promise.all([O.api("GET", "campaigns/" + encodeURIComponent(id)), O.all("problems?source=opinion")])
      .then(function (answers) {
        targets = {};
        var organ = $("organ");
        organ.textContent = "";
        organ.appendChild(h("option", { value: "" }, "全部"));
        answers[0].targets.forEach(function (t) {
          targets[t.organ_id] = t;
          organ.appendChild(h("option", { value: t.organ_id }, t.name));
        });
        onLedger = {};
        answers[1].forEach(function (p) { if (p.source_ref) onLedger[p.source_ref] = p; });
        page = 1;
        return load();
      }, showError);
  }

  function showError(error) {
    $("list-error").textContent = O.explain(error);
    $("list-error").hidden = false;
  }

  function load() {
    var query = "campaigns/" + encodeURIComponent($("campaign").value) + "/opinions?page_size=" + PAGE_SIZE + "&page=" + page;
    if ($("organ").value) query += "&organ_id=" + encodeURIComponent($("organ").value);
    if ($("flagged").checked) query += "&flagged=true";
    if (!$("with-hidden").checked) query += "&hidden=false";
    $("list-error").hidden = true;
    return O.api("GET", query).then(function (data) {
      var list = $("opinions");
      list.textContent = "";
      data.items.forEach(function (o) { list.appendChild(render(o)); });
      var first = (page - 1) * PAGE_SIZE + 1;
      $("summary").textContent = data.total
        ? "共 " + data.total + " 条意见，第 " + first + "–" + (first + data.items.length - 1) + " 条" : "没有符合条件的意见。";
      $("previous").disabled = page <= 1;
      $("next").disabled = page * PAGE_SIZE >= data.total;
    }, showError);
  }

  // --- one opinion -------------------------------------------------------------------------------

  function render(o, saved) {
    var t = O.terms, problem = onLedger[o.id];
    var card = h("li", { class: "card problem", id: "opinion-" + o.id });
    var facts = [["日期", o.submitted_on], ["渠道", t.channels[o.channel] || o.channel]];
    if (o.flags.length) facts.push(["异常标记", o.flags.map(function (f) { return t.opinion_flags[f] || f; }).join("；")]);
    if (o.hidden) facts.push(["已隐藏", o.hidden_reason || ""]);
    if (problem) facts.push(["问题台账", problem.number + "（" + (t.problem_statuses[problem.status] || problem.status) + "）"]);
    var steps = h("div", { class: "actions" });
    var forms = h("div", {});
    var open = function (make) {
      return function () { forms.textContent = ""; var form = make(o, card); forms.appendChild(form); form.querySelector("select, textarea, input").focus(); };
    };
    if (!problem) steps.appendChild(h("button", { type: "button", class: "button ghost", onclick: open(registerForm) }, "登记为问题"));
    if (!o.hidden) steps.appendChild(h("button", { type: "button", class: "button ghost", onclick: open(hideForm) }, "隐藏"));
    [h("div", { class: "problem-head" },
        h("h2", {}, o.organ_name || "总体意见"),
        o.flags.length ? h("span", { class: "badge overdue" }, "有异常标记") : null),
     h("p", { class: "description" }, o.text),
     h("dl", { class: "facts" }, facts.map(function (f) { return [h("dt", {}, f[0]), h("dd", {}, f[1])]; })),
     saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
     steps.children.length ? steps : null, forms
    ].forEach(function (c) { if (c) card.appendChild(c); });
    return card;
  }

  function field(name, label, control) {
    control.id = "f" + (++serial);
    control.setAttribute("data-name", name);
    return h("div", { class: "field", "data-field": name }, h("label", { for: control.id }, label), control,
             h("p", { class: "field-error", hidden: true }));
  }

  function registerForm(o, card) {
    var category = h("select", {});
    O.options(category, O.terms.problem_categories, "请选择");
    var fields = [
      field("category", "问题类别", category),
      field("description", "问题描述（默认为意见原文）", h("textarea", { rows: 3, maxlength: 4000 }))
    ];
    fields[1].querySelector("textarea").value = o.text;
    if (o.organ_id) {  // an opinion on an organ may be assigned to it at once (交办)
      fields.push(h("p", { class: "hint" }, "如需同时交办给" + o.organ_name + "，请填写责任人和办理期限："),
        h("div", { class: "row" }, field("responsible_person", "责任人（选填）", h("input", { type: "text", maxlength: 100 })),
          field("deadline", "办理期限（选填）", h("input", { type: "date" }))));
    }
    return O.stepForm("登记为问题", fields, "opinions/" + encodeURIComponent(o.id) + "/problem", filled({}),
      function (problem) {
        onLedger[o.id] = problem;
        card.replaceWith(render(o, "已登记为问题 " + problem.number + "。"));
      });
  }

  function hideForm(o, card) {
    return O.stepForm("隐藏", [field("reason", "隐藏理由（如：辱骂、广告、与评议无关）", h("textarea", { rows: 2, maxlength: 2000 }))],
      "opinions/" + encodeURIComponent(o.id) + "/hide", filled({ version: o.version }),
      function (hidden) { card.replaceWith(render(hidden, "已隐藏，不再公开显示；原文保留。")); });
  }

  /** A step form's body: `fixed` and the fields filled in. */
  function filled(fixed) {
    return function (form) {
      var body = Object.assign({}, fixed);
      form.querySelectorAll("[data-name]").forEach(function (input) {
        if (input.value.trim()) body[input.getAttribute("data-name")] = input.value.trim();
      });
      return body;
    };
  }

  function start() {
    $("campaign").addEventListener("change", chooseCampaign);
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); page = 1; load(); });
    $("previous").addEventListener("click", function () { page -= 1; load(); });
    $("next").addEventListener("click", function () { page += 1; load(); });
    loadCampaigns().catch(showError);
  }

  O.boot(start);
})();
