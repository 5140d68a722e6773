/*
 * 双万 · pairings (结对帮扶 / 结对共建): GET /pairings of the jurisdiction, filtered by kind,
 * status and organ, each with its span, the days on site required and logged, and its stays; days
 * on site logged (POST /pairings/<id>/days) and a pairing ended (POST /pairings/<id>/end), with the
 * version shown, so a pairing changed meanwhile gets 409; and a pairing started (POST /pairings):
 * a cadre's with a household or enterprise in difficulty, or an organ's party organisation's with
 * a village's or a construction point's.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var points = {};
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var CADRE_KINDS = ["cadre_household", "cadre_enterprise"];
  var PARTNERS = {
    cadre_household: "结对困难户（户主姓名）", cadre_enterprise: "结对困难企业名称",
    organ_village: "结对村党组织名称", organ_point: "建设点党组织名称"
  };

  // --- steps on a pairing ---------------------------------------------------------------------------

  function step(name, path, fields, p, card) {
    return O.stepForm(name, fields, "pairings/" + encodeURIComponent(p.id) + "/" + path,
      function (form) { return O.readFields(form, { version: p.version }); },
      function (changed) { card.replaceWith(render(changed, name + "已保存。")); });
  }

  function daysForm(p, card) {
    return step("记录驻点", "days", [h("div", { class: "row" }, O.field(["days", "驻点天数", "number"]),
      O.dateField("on", "驻点最后一天")), O.field(["note", "驻点情况（选填）", "textarea", 2000])], p, card);
  }

  function endForm(p, card) {
    return step("结束结对", "end", [O.field(["outcome", "帮扶成效（选填）", "textarea", 2000]),
      O.dateField("on", "结束日期")], p, card);
  }

  // --- one pairing ---------------------------------------------------------------------------------

  function render(p, saved) {
    var card = h("li", { class: "card problem", id: "pairing-" + p.id });
    var active = p.status === "active";
    var steps = O.steps(active ? [["记录驻点", function () { return daysForm(p, card); }],
                                  ["结束结对", function () { return endForm(p, card); }]] : []);
    var days = p.days_total + " 天" + (p.required_days ? "（要求 " + p.required_days + " 天，" +
      (p.days_met ? "已达到" : active ? "尚差 " + (p.required_days - p.days_total) + " 天" : "未达到") + "）" : "");
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, p.partner_name),
        h("span", { class: active ? "badge plain" : "badge ok" }, active ? "进行中" : "已结束")),
      O.facts([
        ["结对类型", O.terms.pairing_kinds[p.kind] || p.kind], ["结对单位", O.organName(p.organ_id)],
        ["结对干部", p.cadre_id ? O.cadreName(p.cadre_id) : ""],
        ["建设点", p.point_id ? (points[p.point_id] || {}).name || p.point_id : ""],
        ["所在地区", (O.regions[p.region] || {}).name || p.region], ["起止日期", p.start_on + " 至 " + p.end_on],
        ["驻点", days], ["结束日期", p.ended_on || ""], ["帮扶成效", p.outcome || ""]
      ]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1],
      h("details", {}, h("summary", {}, "驻点记录（" + p.stays.length + "）"),
        h("ol", { class: "history" }, p.stays.map(function (s) {
          return h("li", {}, s.on + " 驻点 " + s.days + " 天" + (s.note ? "：" + s.note : ""));
        })))
    ]);
    return card;
  }

  /** The names of the cadres of `pairings` (read by their organs). */
  function cadresNamed(pairings) {
    return O.cadresOf(pairings.filter(function (p) { return p.cadre_id; }).map(function (p) { return p.organ_id; }));
  }

  // --- a new pairing -------------------------------------------------------------------------------

  /** The form asks for what the kind chosen needs: a cadre (of the organ chosen), or a point (whose
   *  region the partner's then is); what another kind needs is cleared, not sent. */
  function kindChosen() {
    var kind = $("kind").value, cadres = CADRE_KINDS.indexOf(kind) >= 0, point = kind === "organ_point";
    $("cadre-field").hidden = !cadres;
    $("point-field").hidden = !point;
    if (!cadres) $("cadre_id").value = "";
    if (!point) $("point_id").value = "";
    document.querySelector("label[for=partner_name]").textContent = PARTNERS[kind] || "结对对象（困难户、企业或党组织名称）";
  }

  function organChosen() {
    O.cadreChoices($("cadre_id"), $("organ_id").value, "请选择干部").catch(O.listError);
  }

  function pointChosen() {
    var point = points[$("point_id").value];
    if (point) $("region").value = point.region;
  }

  function start(claims) {
    O.options($("kind-filter"), O.terms.pairing_kinds, "全部");
    O.options($("kind"), O.terms.pairing_kinds, "请选择");
    O.regionChoices($("region"), claims);
    $("start_on").value = O.today();
    O.cadreChoices($("cadre_id"), "", "请选择干部");
    Promise.all([O.organs(), O.all("points")]).then(function (found) {
      found[1].forEach(function (p) { points[p.id] = p; });
      O.choices($("organ-filter"), found[0], "全部");
      O.choices($("organ_id"), found[0], "请选择单位");
      O.choices($("point_id"), found[1], found[1].length ? "请选择建设点" : "本辖区尚无登记的建设点");
      $("kind").addEventListener("change", kindChosen);
      $("organ_id").addEventListener("change", organChosen);
      $("point_id").addEventListener("change", pointChosen);
      load = O.pagedList({ list: "pairings", path: "pairings", render: render, noun: "个结对", prepare: cadresNamed,
        filters: function () {
          return { kind: $("kind-filter").value, status: $("status-filter").value, organ_id: $("organ-filter").value };
        } });
      $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
      O.recordForm("start", "pairings", function (pairing) {
        $("partner_name").value = "";
        load(true);
        return "已新建结对：" + pairing.partner_name + "（" + O.terms.pairing_kinds[pairing.kind] + "）。";
      });
      return load();
    }, O.listError);
  }

  O.boot(start);
})();
