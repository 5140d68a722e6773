/*
 * 双万 · log a visit (记录下基层走访): the form of POST /visits. The cadres are chosen organ by organ
 * from GET /organs and GET /cadres; the problems, funds, items, services and policy sessions are
 * rows a person adds. The API checks everything; its errors are shown beside the fields it names.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var ACTIVITY_GROUPS = [
    ["三问", ["ask_governance", "ask_needs", "ask_advice"]],
    ["三送", ["deliver_policy", "deliver_service", "deliver_warmth"]],
    ["三学", ["learn_from_cadres", "learn_from_people", "learn_from_practice"]]
  ];
  var chosen = new Map();   // cadre id → cadre: kept while the organ shown changes
  var keyOf = window.Pages.submissionKeys();  // the visit's Idempotency-Key, by its body

  // Each repeatable list: its fields, how a row is read into the API's item, and the activity it
  // is part of (the API refuses assistance without its activity: adding a row ticks it).
  var LISTS = {
    problems: {
      fields: [["category", "类别", "select", "problem_categories"], ["description", "问题描述", "textarea", 4000]],
      read: function (v) { return { category: v.category, description: v.description }; }
    },
    funds: {
      activity: "deliver_service",
      fields: [["purpose", "用途", "text", 200], ["amount_yuan", "金额（元）", "decimal"]],
      read: function (v) { return { purpose: v.purpose, amount_yuan: v.amount_yuan }; }
    },
    items: {
      activity: "deliver_service",
      fields: [["name", "物资名称", "text", 200], ["count", "数量", "number"]],
      read: function (v) { return { name: v.name, count: O.number(v.count) }; }
    },
    services: {
      activity: "deliver_service",
      fields: [["", "服务内容", "text", 500]],
      read: function (v) { return v[""]; }
    },
    policy_sessions: {
      activity: "deliver_policy",
      fields: [["topic", "宣讲主题", "text", 200], ["attendance", "听众（人）", "number"]],
      read: function (v) { return { topic: v.topic, attendance: O.number(v.attendance) }; }
    }
  };

  function addRow(fieldset) {
    var spec = LISTS[fieldset.getAttribute("data-list")];
    O.addRow(fieldset, spec.fields);
    if (spec.activity) $("activity-" + spec.activity).checked = true;
  }

  function readList(fieldset) {
    return O.readRows(fieldset).map(LISTS[fieldset.getAttribute("data-list")].read);
  }

  // --- cadres ------------------------------------------------------------------------------------

  function showCadres() {
    var organ = $("organ").value, box = $("cadre-choices");
    box.textContent = "";
    if (!organ) return;
    O.cadresIn(organ).then(function (cadres) {
      if ($("organ").value !== organ) return;  // (another organ was chosen meanwhile)
      box.textContent = "";
      if (!cadres.length) box.appendChild(h("p", { class: "hint" }, "该单位尚无登记的干部。"));
      cadres.forEach(function (c) {
        var id = "cadre-" + c.id;
        var input = h("input", { type: "checkbox", id: id, value: c.id, checked: chosen.has(c.id), onchange: function () {
          if (input.checked) chosen.set(c.id, c); else chosen.delete(c.id);
          showChosen();
        } });
        box.appendChild(h("div", { class: "choice" }, input, h("label", { for: id },
          c.name + (c.position ? "（" + c.position + "）" : "") + (c.leading ? " · 领导干部" : ""))));
      });
    }, function (error) { box.appendChild(h("p", { class: "notice error" }, O.explain(error))); });
  }

  function showChosen() {
    var names = Array.from(chosen.values()).map(function (c) { return c.name; });
    $("cadres-chosen").textContent = names.length ? "已选择 " + names.length + " 人：" + names.join("、") : "尚未选择干部。";
  }

  // --- the form ----------------------------------------------------------------------------------

  function body() {
    var activities = Array.prototype.filter.call(document.querySelectorAll("#activity-choices input"),
      function (input) { return input.checked; }).map(function (input) { return input.value; });
    var out = {
      cadre_ids: Array.from(chosen.keys()),
      visited_on: $("visited_on").value,
      region: $("region").value,
      place_type: $("place_type").value,
      place_name: $("place_name").value.trim(),
      activities: activities,
      people_reached: O.number($("people_reached").value.trim() || "0", $("people_reached")),
      households_reached: O.number($("households_reached").value.trim() || "0", $("households_reached"))
    };
    var notes = $("notes").value.trim();
    if (notes) out.notes = notes;
    document.querySelectorAll("fieldset.repeat").forEach(function (fieldset) {
      out[fieldset.getAttribute("data-list")] = readList(fieldset);
    });
    return out;
  }

  function submit(event) {
    event.preventDefault();
    var form = $("visit-form"), button = $("submit");
    var data = body();
    button.disabled = true;
    button.textContent = "正在提交…";
    O.api("POST", "visits", data, keyOf(data)).then(function (visit) {
      keyOf.forget();
      O.clearErrors(form);
      $("form-error").hidden = true;
      done(visit);
    }, function (error) {
      O.showError($("form-error"), form, error);
    }).then(function () {
      button.disabled = false;
      button.textContent = "提交走访记录";
    });
  }

  function done(visit) {
    var region = (O.regions[visit.region] || {}).name || visit.region;
    $("done-text").textContent = visit.visited_on + "，" + region + " " + visit.place_name + "，" +
      visit.cadre_ids.length + " 名干部参加（记录编号 " + visit.id + "）。";
    $("done-problems").textContent = visit.problem_ids.length
      ? "收集的 " + visit.problem_ids.length + " 个问题已登记到问题台账，可在“问题台账”中交办和跟踪。" : "";
    $("visit-form").hidden = true;
    $("done").hidden = false;
    $("done").focus();
  }

  function reset() {
    var form = $("visit-form");
    form.reset();
    chosen.clear();
    showChosen();
    showCadres();
    form.querySelectorAll(".rows").forEach(function (rows) { rows.textContent = ""; });
    O.clearErrors(form);
    $("form-error").hidden = true;
    $("visited_on").value = O.today();
    $("done").hidden = true;
    form.hidden = false;
    $("organ").focus();
  }

  function start(claims) {
    var t = O.terms;
    O.options($("place_type"), t.place_types, "请选择");
    O.jurisdiction(claims.region || "").forEach(function (r) {
      var depth = r.tier === "county" && r.code !== claims.region ? "　" : "";
      $("region").appendChild(h("option", { value: r.code }, depth + r.name));
    });
    $("visited_on").value = O.today();
    $("visited_on").max = O.today();
    var choices = $("activity-choices");
    ACTIVITY_GROUPS.forEach(function (group) {
      choices.appendChild(h("p", { class: "group-name" }, group[0]));
      group[1].forEach(function (code) {
        var id = "activity-" + code;
        choices.appendChild(h("div", { class: "choice" }, h("input", { type: "checkbox", id: id, value: code }),
                              h("label", { for: id }, t.activities[code])));
      });
    });
    document.querySelectorAll("fieldset.repeat").forEach(function (fieldset) {
      fieldset.querySelector(".add").addEventListener("click", function () { addRow(fieldset); });
    });
    $("organ").addEventListener("change", showCadres);
    $("visit-form").addEventListener("submit", submit);
    $("another").addEventListener("click", reset);
    O.organs($("organ")).catch(function (error) {
      O.showError($("form-error"), $("visit-form"), error);
    });
  }

  O.boot(start);
})();
