/*
 * 双万 · visits logged (走访记录): GET /visits of the jurisdiction, newest first, by date range,
 * organ, place type and status; each with its cadres, activities, people reached, assistance and
 * the problems it put on the ledger; a visit logged in error cancelled (撤销, POST
 * /visits/<id>/cancellation, with the version shown; its problems stay on the ledger).
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var load = null;  // (set by start: the list's current page shown again, or its first)

  function cancelForm(v, card) {
    return O.cancelForm("visits/" + encodeURIComponent(v.id) + "/cancellation", v,
      function (changed) { card.replaceWith(render(changed, "已撤销；它登记的问题仍在问题台账中。")); });
  }

  function render(v, saved) {
    var t = O.terms, card = h("li", { class: "card problem", id: "visit-" + v.id });
    var steps = O.steps(v.status === "logged" ? [["撤销", function () { return cancelForm(v, card); }]] : []);
    var given = [
      v.funds.length ? "资金 " + O.yuan(v.funds_total_yuan) : "", v.items.length ? "物资 " + v.items_total + " 件" : "",
      v.services.length ? "服务 " + v.services.length + " 项" : "",
      v.policy_sessions.length ? "政策宣讲 " + v.policy_sessions.length + " 场（" + v.policy_attendance_total + " 人次）" : ""
    ].filter(Boolean).join("，");
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, v.visited_on + " · " + v.place_name),
        v.status === "cancelled" ? h("span", { class: "badge plain" }, "已撤销") : null),
      O.facts([
        ["地点", (t.place_types[v.place_type] || v.place_type) + "，" + ((O.regions[v.region] || {}).name || v.region)],
        ["干部", v.cadre_ids.map(O.cadreName).join("、")],
        ["活动", v.activities.map(function (a) { return t.activities[a] || a; }).join("、")],
        ["走访", v.people_reached + " 人，" + v.households_reached + " 户"], ["送服务、送政策", given],
        ["收集问题", v.problem_ids.length ? v.problem_ids.length + " 个（已登记到问题台账）" : ""], ["情况", v.notes || ""],
        ["撤销", v.cancellation ? v.cancellation.cancelled_on + "：" + v.cancellation.reason : ""]
      ]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1]
    ]);
    return card;
  }

  /** The names of the visits' cadres (read by their organs). */
  function cadresNamed(visits) {
    return O.cadresOf([].concat.apply([], visits.map(function (v) { return v.organ_ids; })));
  }

  function start() {
    O.options($("place-filter"), O.terms.place_types, "全部");
    $("from").max = $("to").max = O.today();
    O.organs().then(function (organs) {
      O.choices($("organ-filter"), organs, "全部");
      load = O.pagedList({ list: "visits", path: "visits", render: render, noun: "次走访", prepare: cadresNamed,
        filters: function () {
          return { from: $("from").value, to: $("to").value, organ_id: $("organ-filter").value,
                   place_type: $("place-filter").value, status: $("status-filter").value };
        } });
      $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
      return load();
    }).catch(O.listError);
  }

  O.boot(start);
})();
