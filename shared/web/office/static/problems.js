/*
 * 双万 · the problem ledger (问题台账): GET /problems of the jurisdiction, filtered by status,
 * category and overdue, newest first; each problem moved along by the step its status allows
 * (POST /problems/<id>/referral, /return, /progress, /promised-date, /done, /verification), each
 * step sent with the version shown, so a problem someone else changed meanwhile gets 409, not a
 * silent overwrite. With `?problem=<id>`, that problem alone.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var organs = null;
  var HISTORY = {
    raised: "登记", referred: "交办", returned: "退回", progressed: "办理进展", extended: "承诺办结期限",
    reported_done: "办结", closed: "回访满意，销号", reopened: "回访不满意，复号"
  };

  // The steps: which statuses allow each, its form's fields, and its endpoint.
  var STEPS = [
    { name: "交办", path: "referral", when: ["registered"], fields: [
      ["unit", "责任单位", "unit"], ["responsible_person", "责任人", "text", 100], ["deadline", "办理期限", "date"],
      ["long_term", "长期事项（可承诺办结期限）", "check"], ["measures", "整改措施（选填）", "textarea", 4000]] },
    { name: "办理进展", path: "progress", when: ["assigned", "in_progress"], fields: [
      ["note", "进展情况", "textarea", 4000], ["measures", "整改措施（选填）", "textarea", 4000]] },
    { name: "承诺办结期限", path: "promised-date", when: ["assigned", "in_progress"], longTerm: true, fields: [
      ["promised_date", "承诺办结日期", "date"], ["reason", "理由", "textarea", 2000]] },
    { name: "办结", path: "done", when: ["assigned", "in_progress"], fields: [
      ["result", "办理结果", "textarea", 4000]] },
    { name: "退回", path: "return", when: ["assigned"], fields: [
      ["reason", "退回理由（交办有误）", "textarea", 2000]] },
    { name: "回访", path: "verification", when: ["reported_done"], fields: [
      ["satisfied", "提出人是否满意", "satisfied"], ["feedback", "回访意见（不满意时必填）", "textarea", 2000]] }
  ];

  var serial = 0;

  function field(spec, problem) {
    if (spec[2] === "unit") return unitFields(problem);
    if (spec[2] !== "satisfied") return O.field(spec);
    var id = "s" + (++serial), yes = "y" + id, no = "n" + id, name = spec[0];
    return h("fieldset", { class: "field", "data-field": name }, h("legend", {}, spec[1]),
      h("div", { class: "choice" }, h("input", { type: "radio", name: id, id: yes, value: "true", "data-name": name }),
        h("label", { for: yes }, "满意（销号）")),
      h("div", { class: "choice" }, h("input", { type: "radio", name: id, id: no, value: "false", "data-name": name }),
        h("label", { for: no }, "不满意（复号，继续办理）")),
      h("p", { class: "field-error", hidden: true }));
  }

  /** The responsible unit: chosen among the organs where the service keeps them (visits), else
   *  typed in (its code and name). The organ the problem concerns, if known, is chosen already. */
  function unitFields(problem) {
    var id = "s" + (++serial);
    if (organs) {
      var select = h("select", { id: id, "data-name": "unit_id" });
      select.appendChild(h("option", { value: "" }, "请选择责任单位"));
      organs.forEach(function (o) {
        select.appendChild(h("option", { value: o.id, selected: o.id === problem.organ_id }, o.name));
      });
      return h("div", { class: "field", "data-field": "unit_id" }, h("label", { for: id }, "责任单位"), select,
               h("p", { class: "field-error", hidden: true }), h("div", { "data-field": "unit_name" },
               h("p", { class: "field-error", hidden: true })));
    }
    var code = "c" + id;
    return h("div", { class: "row" },
      h("div", { class: "field", "data-field": "unit_id" }, h("label", { for: code }, "责任单位编号"),
        h("input", { id: code, type: "text", maxlength: 100, "data-name": "unit_id", value: problem.organ_id || "" }),
        h("p", { class: "field-error", hidden: true })),
      h("div", { class: "field", "data-field": "unit_name" }, h("label", { for: id }, "责任单位名称"),
        h("input", { id: id, type: "text", maxlength: 200, "data-name": "unit_name" }),
        h("p", { class: "field-error", hidden: true })));
  }

  /** A step's body from its form: empty optional texts left out, the version it was shown at; a
   *  unit chosen from the list is sent with its name. */
  function read(form, problem) {
    var out = O.readFields(form, { version: problem.version });
    var unit = form.querySelector("select[data-name=unit_id]");
    if (unit && unit.value) out.unit_name = unit.options[unit.selectedIndex].textContent;
    return out;
  }

  function stepForm(step, problem, card) {
    return O.stepForm(step.name, [step.fields.map(function (f) { return field(f, problem); }), O.dateField()],
      "problems/" + encodeURIComponent(problem.id) + "/" + step.path,
      function (form) { return read(form, problem); },
      function (changed) { card.replaceWith(render(changed, step.name + "已保存。")); });
  }

  function render(p, saved) {
    var t = O.terms, region = (O.regions[p.region] || {}).name || p.region;
    var card = h("li", { class: "card problem", id: "problem-" + p.id, "data-status": p.status });
    var facts = [["类别", t.problem_categories[p.category] || p.category], ["来源", t.problem_sources[p.source] || p.source],
                 ["地区", region], ["登记日期", p.raised_on]];
    if (p.unit_name) facts.push(["责任单位", p.unit_name], ["责任人", p.responsible_person || ""]);
    if (p.deadline) facts.push(["办理期限", p.deadline + (p.long_term ? "（长期事项）" : "")]);
    if (p.promised_date) facts.push(["承诺办结", p.promised_date]);
    if (p.measures) facts.push(["整改措施", p.measures]);
    if (p.reopen_count) facts.push(["复号次数", String(p.reopen_count)]);
    var steps = O.steps(STEPS.filter(function (step) {
      return step.when.indexOf(p.status) >= 0 && (!step.longTerm || p.long_term);
    }).map(function (step) { return [step.name, function () { return stepForm(step, p, card); }]; }));
    window.Pages.append(card, [
      h("div", { class: "problem-head" },
        h("h2", {}, (p.number || p.id) + " · " + (t.problem_statuses[p.status] || p.status)),
        p.overdue ? h("span", { class: "badge overdue" }, "逾期") : null),
      h("p", { class: "description" }, p.description),
      O.facts(facts),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1],
      h("details", {}, h("summary", {}, "办理记录（" + p.history.length + "）"),
        h("ol", { class: "history" }, p.history.map(function (e) {
          var said = [e.unit, e.deadline && "期限 " + e.deadline, e.promised_date && "承诺 " + e.promised_date,
                      e.note, e.result, e.reason, e.feedback].filter(Boolean).join("；");
          return h("li", {}, e.on + " " + (HISTORY[e.action] || e.action) + (said ? "：" + said : ""));
        })))
    ]);
    return card;
  }

  var load = null;  // (set by start: the list's current page shown again, or its first)

  /** One problem alone (`?problem=<id>`, as the dashboard's overdue list links). */
  function one(id) {
    O.api("GET", "problems/" + encodeURIComponent(id)).then(function (problem) {
      $("problems").replaceChildren(render(problem));
    }, O.listError);
  }

  function start() {
    O.options($("status"), O.terms.problem_statuses, "全部");
    O.options($("category"), O.terms.problem_categories, "全部");
    load = O.pagedList({ list: "problems", path: "problems", render: render, noun: "个问题", filters: function () {
      return { status: $("status").value, category: $("category").value, overdue: $("overdue").checked ? "true" : "" };
    } });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    var units = O.terms.organs ? O.organs().then(function (list) { organs = list; }, function () { organs = null; })
      : Promise.resolve();
    var only = O.linked("problem", "个", "问题");
    units.then(only ? function () { one(only); } : load);
  }

  O.boot(start);
})();
