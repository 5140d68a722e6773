/*
 * 双万 · the roster of organs and cadres (单位和干部名册): GET /cadres of the jurisdiction, by
 * organ, rank and leading; a cadre's rank, position or organ changed (PATCH /cadres/<id>, with
 * the version shown: a promotion or a transfer; whether the cadre is a leading cadre follows), a
 * cadre registered (POST /cadres) and an organ registered (POST /organs). Writing is the working
 * committee's (admin); clerks and viewers see the roster. Whole rosters are loaded from a
 * spreadsheet with `shuangwan load`.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var admin = false, organs = [];

  function change(c, card) {
    var organ = O.choices(h("select", {}), organs, "不调动");
    return O.stepForm("变更", [
      h("div", { class: "row" }, O.field(["rank", "新职级（不变则不选）", "select", "ranks"]),
        O.field(["organ_id", "调入单位（不调动则不选）", organ])),
      O.field(["position", "新职务（不变则不填）", "text", 200]), O.dateField("on", "变更日期")
    ], "cadres/" + encodeURIComponent(c.id), function (form) { return O.readFields(form, { version: c.version }); },
    function (changed) { card.replaceWith(render(changed, "已变更。")); }, "PATCH");
  }

  function render(c, saved) {
    var card = h("li", { class: "card problem", id: "cadre-" + c.id });
    var steps = O.steps(admin ? [["变更", function () { return change(c, card); }]] : []);
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, c.name),
        c.leading ? h("span", { class: "badge ok" }, "领导干部") : null),
      O.facts([["单位", c.organ_name], ["职级", O.terms.ranks[c.rank] || c.rank], ["职务", c.position || ""],
               ["地区", (O.regions[c.region] || {}).name || c.region]]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      steps[0], steps[1]
    ]);
    return card;
  }

  function organsShown() {
    return O.organs().then(function (list) {
      organs = list;
      O.choices($("organ-filter"), list, "全部");
      O.choices($("cadre-organ"), list, list.length ? "请选择单位" : "本辖区尚无登记的单位，请先登记单位");
    });
  }

  function start(claims) {
    admin = claims.role === "admin";
    $("cadre").hidden = $("organ").hidden = !admin;  // (keeping the roster is the working committee's)
    O.options($("rank-filter"), O.terms.ranks, "全部");
    O.options($("rank"), O.terms.ranks, "请选择");
    O.options($("category"), O.terms.organ_categories, "请选择");
    O.regionChoices($("region"), claims);
    load = O.pagedList({ list: "cadres", path: "cadres", render: render, noun: "名干部", filters: function () {
      return { organ_id: $("organ-filter").value, rank: $("rank-filter").value,
               leading: $("leading-filter").checked ? "true" : "" };
    } });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    O.recordForm("cadre", "cadres", function (cadre) {
      $("cadre-name").value = $("position").value = "";
      $("organ-filter").value = cadre.organ_id;  // (the new cadre shown among the organ's)
      load(true);
      return "已登记" + cadre.organ_name + " " + cadre.name + (cadre.leading ? "（领导干部）" : "") + "。";
    });
    O.recordForm("organ", "organs", function (organ) {
      $("organ-name").value = "";
      organsShown();
      return "已登记单位“" + organ.name + "”，现在可以登记它的干部。";
    });
    return Promise.all([organsShown(), load()]).catch(O.listError);
  }

  O.boot(start);
})();
