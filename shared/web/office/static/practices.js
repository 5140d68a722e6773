/*
 * 双万 · good practices (好的经验做法): GET /practices of the jurisdiction, filtered by status and
 * organ; a practice reported by an organ (POST /practices), and the working committee's decision
 * on it (admin, with the version shown): published in the internal journal and/or on the
 * intranet (POST /practices/<id>/publication), or declined with a reason (/decline).
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var decides = false;  // whether the caller decides on practices (admin: the working committee)
  var STATUSES = { submitted: "待审核", published: "已刊发", declined: "不予采用" };

  function decision(name, path, fields, p, card) {
    return O.stepForm(name, fields.concat([O.dateField("on", "决定日期")]),
      "practices/" + encodeURIComponent(p.id) + "/" + path,
      function (form) { return O.readFields(form, { version: p.version }); },
      function (changed) { card.replaceWith(render(changed, name + "已保存。")); });
  }

  function render(p, saved) {
    var card = h("li", { class: "card problem", id: "practice-" + p.id });
    var steps = O.steps(p.status !== "submitted" || !decides ? [] : [
      ["刊发", function () {
        return decision("刊发", "publication", [O.field(["channels", "刊发渠道", "checks", "publish_channels"]),
          O.field(["issue", "期号（选填）", "text", 100])], p, card);
      }],
      ["不予采用", function () {
        return decision("不予采用", "decline", [O.field(["reason", "理由", "textarea", 2000])], p, card);
      }]
    ]);
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, p.title),
        h("span", { class: p.status === "published" ? "badge ok" : "badge plain" }, STATUSES[p.status] || p.status)),
      h("p", { class: "description" }, p.summary),
      O.facts([
        ["报送单位", p.organ_name], ["报送日期", p.submitted_on],
        ["刊发渠道", (p.channels || []).map(function (c) { return O.terms.publish_channels[c] || c; }).join("、")],
        ["期号", p.issue || ""], ["不予采用理由", p.decline_reason || ""], ["决定日期", p.decided_on || ""]
      ]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1]
    ]);
    return card;
  }

  function start(claims) {
    decides = claims.role === "admin";
    O.options($("status-filter"), STATUSES, "全部");
    $("on").value = $("on").max = O.today();
    O.organs().then(function (organs) {
      O.choices($("organ-filter"), organs, "全部");
      O.choices($("organ_id"), organs, organs.length ? "请选择单位" : "本辖区尚无登记的单位");
      load = O.pagedList({ list: "practices", path: "practices", render: render, noun: "篇经验做法", filters: function () {
        return { status: $("status-filter").value, organ_id: $("organ-filter").value };
      } });
      $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
      O.recordForm("submit", "practices", function (practice) {
        $("title").value = $("practice-summary").value = "";
        load(true);
        return "已报送《" + practice.title + "》，待机关工委审核。";
      });
      return load();
    }, O.listError);
  }

  O.boot(start);
})();
