/*
 * 双万 · research reports (调研报告): the leading cadres of the jurisdiction who still owe one
 * (GET /reports/completion?submitted=false), and a report entered for a cadre (POST /reports),
 * from the list of who owes one or chosen organ by organ.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var keyOf = window.Pages.submissionKeys();  // the report's Idempotency-Key, by its body

  function loadOwed() {
    return O.api("GET", "reports/completion?submitted=false&page_size=500").then(function (data) {
      var list = $("owed");
      list.textContent = "";
      $("owed-summary").textContent = data.leading_total
        ? "领导干部 " + data.leading_total + " 人，已提交 " + data.submitted_total + " 人，尚欠 " +
          (data.leading_total - data.submitted_total) + " 人。" : "本辖区尚无登记的领导干部。";
      data.items.forEach(function (c) {
        list.appendChild(h("li", {}, c.name + "（" + c.organ_name + "）",
          h("button", { type: "button", class: "button ghost writes", "aria-label": "为" + c.name + "录入调研报告",
                        onclick: function () { choose(c.organ_id, c.cadre_id); } }, "录入报告")));
      });
    }, function (error) { $("owed-summary").textContent = O.explain(error); });
  }

  /** The cadres of the organ chosen, into the cadre select; `cadreId` chosen when given. */
  function showCadres(cadreId) {
    return O.cadreChoices($("cadre_id"), $("organ").value, "请选择干部").then(function () {
      if (cadreId) $("cadre_id").value = cadreId;
    }, function (error) { O.showError($("form-error"), $("report-form"), error); });
  }

  function choose(organId, cadreId) {
    $("organ").value = organId;
    $("done").hidden = true;
    showCadres(cadreId).then(function () { $("title").focus(); });
  }

  function submit(event) {
    event.preventDefault();
    var form = $("report-form"), button = $("submit");
    var body = { cadre_id: $("cadre_id").value, title: $("title").value.trim(), summary: $("summary").value.trim() };
    if ($("attachment_ref").value.trim()) body.attachment_ref = $("attachment_ref").value.trim();
    if ($("on").value) body.on = $("on").value;
    button.disabled = true;
    O.api("POST", "reports", body, keyOf(body)).then(function (report) {
      keyOf.forget();
      O.clearErrors(form);
      $("form-error").hidden = true;
      $("done-text").textContent = report.cadre_name + "《" + report.title + "》，" + report.submitted_on + " 提交" +
        (report.leading ? "，计入领导干部调研报告完成情况。" : "（该干部不是领导干部，不计入完成情况）。");
      $("done").hidden = false;
      ["title", "summary", "attachment_ref"].forEach(function (id) { $(id).value = ""; });
      return loadOwed().then(function () { $("done").focus(); });
    }, function (error) {
      O.showError($("form-error"), form, error);
    }).then(function () { button.disabled = false; });
  }

  function start() {
    $("on").value = $("on").max = O.today();
    $("organ").addEventListener("change", function () { showCadres(); });
    $("report-form").addEventListener("submit", submit);
    O.organs($("organ")).then(loadOwed, function (error) { O.showError($("form-error"), $("report-form"), error); });
  }

  O.boot(start);
})();
