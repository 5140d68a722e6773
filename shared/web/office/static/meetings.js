/*
 * 双万 · report meetings on advanced grassroots examples (先进典型报告会, 三学): GET /meetings of the
 * jurisdiction, newest first, by status; a meeting recorded (POST /meetings) with the examples who
 * reported and how many attended; one recorded in error cancelled (撤销, POST
 * /meetings/<id>/cancellation, with the version shown).
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var EXEMPLAR = [["name", "姓名", "text", 100], ["unit", "所在村、企业、社区或单位", "text", 200],
                  ["deeds", "主要事迹（选填）", "textarea", 2000]];

  function exemplars() { return document.querySelector('fieldset[data-list="exemplars"]'); }

  function cancelForm(m, card) {
    return O.cancelForm("meetings/" + encodeURIComponent(m.id) + "/cancellation", m,
      function (changed) { card.replaceWith(render(changed, "已撤销，这场报告会不再计入统计。")); });
  }

  function render(m, saved) {
    var card = h("li", { class: "card problem", id: "meeting-" + m.id });
    var steps = O.steps(m.status === "held" ? [["撤销", function () { return cancelForm(m, card); }]] : []);
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, m.title),
        m.status === "cancelled" ? h("span", { class: "badge plain" }, "已撤销") : null),
      O.facts([
        ["举办日期", m.held_on], ["地区", (O.regions[m.region] || {}).name || m.region], ["主办单位", m.host || ""],
        ["地点", m.place || ""], ["参会人数", String(m.attendance)], ["备注", m.notes || ""],
        ["撤销", m.cancellation ? m.cancellation.cancelled_on + "：" + m.cancellation.reason : ""]
      ]),
      h("h3", {}, "作报告的先进典型（" + m.exemplars.length + "）"),
      h("ol", { class: "history" }, m.exemplars.map(function (e) {
        return h("li", {}, e.name + "（" + e.unit + "）" + (e.deeds ? "：" + e.deeds : ""));
      })),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1]
    ]);
    return card;
  }

  /** The form's body: its fields, and the examples row by row (an empty 事迹 left out). */
  function read(form) {
    var body = O.readFields(form);
    body.exemplars = O.readRows(exemplars()).map(O.compact);
    return body;
  }

  function start(claims) {
    O.regionChoices($("region"), claims);
    $("held_on").value = $("held_on").max = O.today();
    O.addRow(exemplars(), EXEMPLAR);
    exemplars().querySelector(".add").addEventListener("click", function () { O.addRow(exemplars(), EXEMPLAR); });
    load = O.pagedList({ list: "meetings", path: "meetings", render: render, noun: "场报告会", filters: function () {
      return { status: $("status-filter").value };
    } });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    O.recordForm("hold", "meetings", function (meeting) {
      ["title", "notes"].forEach(function (id) { $(id).value = ""; });
      exemplars().querySelector(".rows").textContent = "";
      O.addRow(exemplars(), EXEMPLAR);
      load(true);
      return "已登记报告会“" + meeting.title + "”（" + meeting.exemplars.length + " 位先进典型作报告，" +
        meeting.attendance + " 人参会）。";
    }, read);
    load();
  }

  O.boot(start);
})();
