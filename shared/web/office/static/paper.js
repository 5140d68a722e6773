/*
 * 双万 · key in paper questionnaires (纸质问卷录入): a paper batch of an open campaign
 * (GET /campaigns?status=open, GET /campaigns/<id>/batches), its questionnaire
 * (GET /campaigns/<id>/form) as a grid of organs × dimensions, one select a cell, and each form
 * posted to POST /batches/<id>/responses, one after another. A digit typed in a cell picks the
 * level it numbers (the options read "1 满意", "2 基本满意"…), so a clerk keys a form in from the
 * keyboard alone. A batch that returns more forms than were handed out is flagged, not refused.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var form = null;        // the campaign's questionnaire as GET /campaigns/<id>/form gives it
  var cells = [];         // [{td, select, organ_id, dimension}] in the grid's order
  var keyOf = window.Pages.submissionKeys();  // the form's Idempotency-Key, by its body
  var serial = 0;

  function loadCampaigns() {
    return O.all("campaigns?status=open").then(function (campaigns) {
      var select = $("campaign");
      select.textContent = "";
      select.appendChild(h("option", { value: "" }, campaigns.length ? "请选择评议活动" : "没有正在进行的评议活动"));
      campaigns.forEach(function (c) { select.appendChild(h("option", { value: c.id }, c.title)); });
      if (campaigns.length === 1) { select.value = campaigns[0].id; return chooseCampaign(); }
    });
  }

  function chooseCampaign() {
    var id = $("campaign").value;
    $("paper-form").hidden = true;
    $("keyed").hidden = true;
    $("batch").textContent = "";
    $("batch-state").textContent = "";
    if (!id) return Promise.resolve();
    return Promise.all([O.api("GET", "campaigns/" + encodeURIComponent(id) + "/form"), loadBatches(id)])
      .then(function (answers) { form = answers[0]; build(); chooseBatch(); }, showLoadError);
  }

  /** The campaign's paper batches, each with how many forms were handed out and keyed in so far. */
  function loadBatches(campaignId, keep) {
    return O.api("GET", "campaigns/" + encodeURIComponent(campaignId) + "/batches").then(function (data) {
      var select = $("batch"), papers = data.items.filter(function (b) { return b.batch_kind === "paper"; });
      select.textContent = "";
      select.appendChild(h("option", { value: "" }, papers.length ? "请选择批次" : "该活动尚无纸质问卷批次"));
      papers.forEach(function (b) {
        var name = (O.terms.respondent_categories[b.respondent_category] || b.respondent_category) +
          (b.label ? " · " + b.label : "") + " · 已录入 " + b.returned + "/" + b.count;
        select.appendChild(h("option", { value: b.id, "data-returned": b.returned, "data-count": b.count }, name));
      });
      if (keep) select.value = keep;
      else if (papers.length === 1) select.value = papers[0].id;
    });
  }

  function chooseBatch() {
    var option = $("batch").selectedOptions[0];
    var chosen = option && option.value;
    $("paper-form").hidden = !chosen || !form;
    $("batch-state").textContent = chosen
      ? "本批发放 " + option.getAttribute("data-count") + " 份，已录入 " + option.getAttribute("data-returned") + " 份。" : "";
  }

  function showLoadError(error) {
    $("batch-state").textContent = O.explain(error);
  }

  // --- the grid ----------------------------------------------------------------------------------

  function build() {
    var q = form.questionnaire, head = $("grid-head"), body = $("grid-body");
    while (head.children.length > 1) head.lastChild.remove();
    body.textContent = "";
    cells = [];
    q.dimensions.forEach(function (d) { head.appendChild(h("th", { scope: "col" }, d.name)); });
    $("level-keys").textContent = q.levels.map(function (l, i) { return (i + 1) + " " + l.name; }).join("，");
    form.organs.forEach(function (organ) {
      var row = h("tr", {}, h("th", { scope: "row" }, organ.name));
      q.dimensions.forEach(function (d) {
        var id = "cell-" + (++serial);
        var select = h("select", { id: id }, h("option", { value: "" }, "—"),
          q.levels.map(function (l, i) { return h("option", { value: l.code }, (i + 1) + " " + l.name); }));
        var td = h("td", {}, h("label", { for: id, class: "visually-hidden" }, organ.name + " · " + d.name), select,
                   h("p", { class: "field-error", hidden: true }));
        cells.push({ td: td, select: select, organ_id: organ.organ_id, dimension: d.code });
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    var opinions = $("organ-opinions");
    opinions.hidden = !q.organ_opinion;
    opinions.querySelector(".rows").textContent = "";
    $("overall").hidden = !q.overall_opinion;
    $("on").value = $("on").max = O.today();
  }

  function addOpinion() {
    var organs = {};
    form.organs.forEach(function (o) { organs[o.organ_id] = o.name; });
    O.addRow($("organ-opinions"), [["organ_id", "单位", "select", organs], ["text", "意见建议", "textarea", 2000]]);
  }

  /** The form's body; the cells filled in are numbered as the API will name them ("ratings.3"). */
  function body() {
    var ratings = [];
    cells.forEach(function (c) {
      c.td.removeAttribute("data-field");
      if (!c.select.value) return;
      c.td.setAttribute("data-field", "ratings." + ratings.length);
      ratings.push({ organ_id: c.organ_id, dimension: c.dimension, level: c.select.value });
    });
    var out = { ratings: ratings, questionnaire_version: form.questionnaire.version };
    out.organ_opinions = O.readRows($("organ-opinions"));
    var overall = $("overall_opinion").value.trim();
    if (overall && form.questionnaire.overall_opinion) out.overall_opinion = overall;
    if ($("on").value) out.on = $("on").value;
    return out;
  }

  function submit(event) {
    event.preventDefault();
    var batch = $("batch").value, button = $("submit"), data = body();
    button.disabled = true;
    O.api("POST", "batches/" + encodeURIComponent(batch) + "/responses", data, keyOf(data)).then(function (receipt) {
      keyOf.forget();  // the next form may be answered alike and is another response
      return loadBatches($("campaign").value, batch).then(function () { keyed(receipt, data); });
    }, function (error) {
      O.showError($("form-error"), $("paper-form"), error);
    }).then(function () { button.disabled = false; });
  }

  function keyed(receipt, data) {
    var option = $("batch").selectedOptions[0];
    var text = "已录入一份问卷（评价 " + data.ratings.length + " 项），本批已录入 " + option.getAttribute("data-returned") +
      "/" + option.getAttribute("data-count") + " 份。";
    $("keyed-text").textContent = text;
    var warn = $("keyed").querySelector(".warning");
    if (warn) warn.remove();
    if (receipt.flags.indexOf("batch_over_returned") >= 0) {
      $("keyed").appendChild(h("p", { class: "warning" }, "本批录入份数已超过发放份数，这份问卷已标记待核查。"));
    }
    $("keyed").hidden = false;
    chooseBatch();
    // The next form: the grid and opinions cleared, the date kept (a pile is usually of one day).
    cells.forEach(function (c) { c.select.value = ""; });
    $("organ-opinions").querySelector(".rows").textContent = "";
    $("overall_opinion").value = "";
    O.clearErrors($("paper-form"));
    $("form-error").hidden = true;
    if (cells.length) cells[0].select.focus();
  }

  function start() {
    $("campaign").addEventListener("change", chooseCampaign);
    $("batch").addEventListener("change", function () { $("keyed").hidden = true; chooseBatch(); });
    $("organ-opinions").querySelector(".add").addEventListener("click", addOpinion);
    $("paper-form").addEventListener("submit", submit);
    loadCampaigns().catch(showLoadError);
  }

  O.boot(start);
})();
