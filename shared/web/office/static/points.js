/*
 * 双万 · construction points and their 三个一 (建设点三个一): GET /points of the jurisdiction,
 * filtered by compliance and organ, each with its instructors, funds and computers and what it
 * still lacks; a contribution recorded on a point (POST /points/<id>/instructors, /funds,
 * /computers, with the version shown, so a point changed meanwhile gets 409), and a point
 * registered (POST /points, admin).
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var organs = [];
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var LACKS = { instructor: "党建工作指导员", funds: "活动室建设经费（不少于 1 万元）", computer: "电脑" };

  function organSelect(blank) {
    return O.choices(h("select", {}), organs, blank);
  }


  // --- a contribution to a point ------------------------------------------------------------------

  function contribution(name, path, fields, p, card) {
    return O.stepForm(name, fields, "points/" + encodeURIComponent(p.id) + "/" + path,
      function (form) { return O.readFields(form, { version: p.version }); },
      function (changed) { card.replaceWith(render(changed, name + "已记录。")); });
  }

  /** The instructor: one of an organ's cadres (name and organ are then the cadre's), or named. */
  function instructorForm(p, card) {
    var organ = organSelect("请选择单位（选填）"), cadre = h("select", {});
    O.cadreChoices(cadre, "", "请选择干部（选填）");
    organ.addEventListener("change", function () {
      O.cadreChoices(cadre, organ.value, "请选择干部（选填）").catch(O.listError);
    });
    return contribution("选派指导员", "instructors", [
      h("div", { class: "row" }, O.field(["organ_id", "选派单位", organ]), O.field(["cadre_id", "选派干部", cadre])),
      O.field(["instructor_name", "指导员姓名（选派本单位干部时可不填）", "text", 100]),
      O.dateField("on", "选派日期")], p, card);
  }

  function fundsForm(p, card) {
    return contribution("拨付经费", "funds", [h("div", { class: "row" },
      O.field(["amount_yuan", "金额（元）", "decimal"]), O.field(["organ_id", "拨付单位（选填）", organSelect("请选择单位")])),
      O.dateField("on", "拨付日期")], p, card);
  }

  function computersForm(p, card) {
    return contribution("捐赠电脑", "computers", [h("div", { class: "row" },
      O.field(["count", "台数", "number"]), O.field(["organ_id", "捐赠单位（选填）", organSelect("请选择单位")])),
      O.dateField("on", "捐赠日期")], p, card);
  }

  // --- one point -----------------------------------------------------------------------------------

  function said(c) {
    var by = c.organ_id ? "（" + O.organName(c.organ_id) + "）" : "";
    if (c.kind === "instructor") return c.on + " 选派党建工作指导员 " + c.instructor_name + by;
    if (c.kind === "funds") return c.on + " 拨付活动室建设经费 " + O.yuan(c.amount_yuan) + by;
    return c.on + " 捐赠电脑 " + c.count + " 台" + by;
  }

  function render(p, saved) {
    var card = h("li", { class: "card problem", id: "point-" + p.id });
    var steps = O.steps([
      ["选派指导员", function () { return instructorForm(p, card); }],
      ["拨付经费", function () { return fundsForm(p, card); }],
      ["捐赠电脑", function () { return computersForm(p, card); }]
    ]);
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, p.name),
        h("span", { class: p.compliant ? "badge ok" : "badge overdue" }, p.compliant ? "三个一已达标" : "三个一未达标")),
      O.facts([
        ["地区", (O.regions[p.region] || {}).name || p.region], ["联系单位", O.organName(p.organ_id)], ["登记日期", p.registered_on],
        ["党建工作指导员", p.instructors_total + " 名" + (p.instructors.length ? "：" + p.instructors.map(function (i) {
          return i.instructor_name; }).join("、") : "")],
        ["活动室建设经费", O.yuan(p.funds_total_yuan)], ["捐赠电脑", p.computers_total + " 台"],
        ["尚缺", p.missing.map(function (m) { return LACKS[m] || m; }).join("、")]
      ]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1],
      h("details", {}, h("summary", {}, "帮扶记录（" + p.contributions.length + "）"),
        h("ol", { class: "history" }, p.contributions.map(function (c) { return h("li", {}, said(c)); })))
    ]);
    return card;
  }

  function start(claims) {
    $("register").hidden = claims.role !== "admin";  // (registering a point is the working committee's)
    O.organs().then(function (list) {
      organs = list;
      O.choices($("organ-filter"), list, "全部");
      O.choices($("organ_id"), list, "不指定");
      O.regionChoices($("region"), claims);
      $("on").value = $("on").max = O.today();
      load = O.pagedList({ list: "points", path: "points", render: render, noun: "个建设点", filters: function () {
        return { compliant: $("compliant").value, organ_id: $("organ-filter").value };
      } });
      $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
      O.recordForm("register", "points", function (point) {
        $("name").value = "";
        load(true);
        return "已登记建设点“" + point.name + "”。";
      });
      return load();
    }, O.listError);
  }

  O.boot(start);
})();
