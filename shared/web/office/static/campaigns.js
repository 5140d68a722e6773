/*
 * 双万 · appraisal campaigns (评议活动), the working committee's side: GET /campaigns of the
 * jurisdiction, each with its targets, respondent categories and batches; a campaign drafted
 * (POST /campaigns) or a draft amended (PUT /campaigns/<id>), its targets and respondent
 * categories copied from an earlier one if wished; opened, sealed and closed (POST
 * /campaigns/<id>/open, /seal, /close, with the version shown); invitation codes issued and paper
 * batches recorded (POST /campaigns/<id>/invitation-batches, /paper-batches), and an invitation
 * batch's codes downloaded as CSV or as a sheet to print (GET /batches/<id>/invitations.csv, .html);
 * an organ's low-rated dimension put on the problem ledger for rectification (整改, POST
 * /campaigns/<id>/rectifications, a clerk's step; assigned to the organ at once when a responsible
 * person and a deadline are given), and the campaign's rectification problems listed.
 * A draft's scoring and online opinion limits are set when it is amended (a new draft takes the
 * defaults). The questionnaire's wording is revised (POST /campaigns/<id>/questionnaire) in a draft
 * or an open campaign: a new version, which answers given before it do not take. With
 * `?campaign=<id>` (the dashboard links so), that campaign alone; with `&organ=<id>` too, its
 * rectification form open for that organ.
 */
(function () {
  "use strict";

  var O = window.Office, $ = O.$, h = O.h;
  var load = null;  // (set by start: the list's current page shown again, or its first)
  var admin = false, clerk = false, editing = null, known = {};  // the draft being amended; campaigns by id
  var keyOf = window.Pages.submissionKeys();
  var TARGET = [["organ_id", "单位编号", "text", 100], ["name", "单位名称", "text", 200],
                ["category", "序列", "select", "organ_categories"], ["region", "所在地区代码", "text", 6]];
  var GROUP = [["category", "参评人员类别", "select", "respondent_categories"], ["quota", "计划人数（选填）", "number"],
               ["weight", "权重（选填）", "number"]];
  var BATCH_KINDS = { online: "邀请码", paper: "纸质问卷", phone: "电话调查" };

  // --- drafting and amending ------------------------------------------------------------------------

  function rows(list) { return document.querySelector('fieldset[data-list="' + list + '"]'); }

  function fillRows(list, fields, values) {
    var fieldset = rows(list);
    fieldset.querySelector(".rows").textContent = "";
    values.forEach(function (v) {
      O.addRow(fieldset, fields).querySelectorAll("[data-name]").forEach(function (input) {
        var value = v[input.getAttribute("data-name")];
        input.value = value == null ? "" : String(value);
      });
    });
  }

  function definition() {
    var body = {
      targets: O.readRows(rows("targets")).map(O.compact),
      respondent_categories: O.readRows(rows("respondent_categories")).map(function (g) {
        g = O.compact(g);
        ["quota", "weight"].forEach(function (k) { if (k in g) g[k] = O.number(g[k]); });
        return g;
      })
    };
    ["title", "starts_on", "ends_on"].forEach(function (id) { if ($(id).value.trim()) body[id] = $(id).value.trim(); });
    if (editing) {
      body.version = editing.version;
      var settings = readSettings(editing);
      body.scoring = settings.scoring;
      body.opinion_limits = settings.opinion_limits;
    }
    return body;
  }

  // --- a draft's scoring and opinion limits (shown when it is amended) ---------------------------------

  /** A whole-number field at `path` (as the API names it, so its errors are shown beside it). */
  function count(path, label, value) {
    var f = O.field([path, label, "number"]);
    f.querySelector("input").value = value;
    return f;
  }

  /** Fields under one legend, side by side (or one under another, `stacked`). */
  function group(path, legend, fields, stacked) {
    return h("fieldset", { class: "field", "data-field": path }, h("legend", {}, legend),
             h("div", { class: stacked ? "stack" : "row" }, fields), h("p", { class: "field-error", hidden: true }));
  }

  function showSettings(c) {
    var box = $("draft-settings"), s = c && c.scoring, limits = c && c.opinion_limits, t = O.terms;
    box.textContent = "";
    box.hidden = !c;
    $("settings-hint").hidden = !!c;
    if (!c) return;
    var unknown = O.field(["scoring.unknown_is_valid", "“不了解”计入有效答卷（按其分值计分）", "check"]);
    unknown.querySelector("input").checked = s.unknown_is_valid;
    var over = O.field(["opinion_limits.over_limit", "超过限制时", "select", "over_limit_actions"]);
    over.querySelector("select").value = limits.over_limit;
    window.Pages.append(box, [
      group("scoring.level_points", "各评价等级的分值（0–100）", Object.keys(t.levels).map(function (level) {
        return count("scoring.level_points." + level, t.levels[level], s.level_points[level]);
      })), unknown,
      group("scoring.dimension_weights", "评议内容的权重", s.dimension_weights.map(function (w, i) {
        return count("scoring.dimension_weights." + i + ".weight", t.dimensions[w.dimension] || w.dimension, w.weight);
      })),
      group("scoring.grade_bands", "等次的最低分（从高到低，最低一档从 0 分起）", s.grade_bands.map(function (b, i) {
        return count("scoring.grade_bands." + i + ".min_score", b.name, b.min_score);
      })),
      h("div", { class: "row" }, count("scoring.bottom_n", "每个序列标出末位的单位数", s.bottom_n),
        count("scoring.min_valid_n", "有效答卷少于此数时得分仅供参考", s.min_valid_n)),
      group("opinion_limits", "网上意见限制（每小时）", [
        count("opinion_limits.per_ip_per_hour", "同一网络最多", limits.per_ip_per_hour),
        count("opinion_limits.per_device_per_hour", "同一设备最多", limits.per_device_per_hour),
        count("opinion_limits.organ_burst_per_hour", "同一单位超过此数时标记", limits.organ_burst_per_hour), over])
    ]);
  }

  /** `out` with the value each field under `root` holds put at its path (the field's name, dotted
   *  as the API names it: "scoring.grade_bands.0.min_score"); a blank text as null. */
  function readInto(root, out) {
    root.querySelectorAll("[data-name]").forEach(function (input) {
      var path = input.getAttribute("data-name").split("."), at = out, text = input.value.trim();
      path.slice(0, -1).forEach(function (key) { at = at[key]; });
      at[path[path.length - 1]] = input.type === "checkbox" ? input.checked
        : input.type === "number" ? O.number(text, input) : text === "" ? null : text;
    });
    return out;
  }

  /** The scoring and opinion limits of `c` with the values the fields hold. */
  function readSettings(c) {
    return readInto($("draft-settings"), JSON.parse(JSON.stringify({ scoring: c.scoring, opinion_limits: c.opinion_limits })));
  }

  /** A text field at `path` holding `value`. */
  function text(path, label, kind, most, value) {
    var f = O.field([path, label, kind, most]);
    f.querySelector("input, textarea").value = value || "";
    return f;
  }

  // --- the questionnaire's wording --------------------------------------------------------------------

  /** A new version of the questionnaire (POST /campaigns/<id>/questionnaire), from the current one's
   *  wording: its title, instructions, each dimension's name and prompt, the levels' names, and
   *  whether opinions are asked. A draft's is replaced; once open, answers given keep theirs. */
  function questionnaireForm(c, card) {
    var q = c.questionnaire, t = O.terms;
    var check = function (path, label) {
      var f = O.field([path, label, "check"]);
      f.querySelector("input").checked = !!q[path.split(".")[1]];
      return f;
    };
    var wording = h("div", {},
      text("questionnaire.title", "问卷标题", "text", 200, q.title),
      text("questionnaire.instructions", "填写说明（选填）", "textarea", 4000, q.instructions),
      group("questionnaire.dimensions", "评议内容（名称和提示语）", q.dimensions.map(function (d, i) {
        return h("div", { class: "row" },
          text("questionnaire.dimensions." + i + ".name", (t.dimensions[d.code] || d.code) + " · 名称", "text", 50, d.name),
          text("questionnaire.dimensions." + i + ".prompt", "提示语（选填）", "textarea", 500, d.prompt));
      }), true),
      group("questionnaire.levels", "评价等级的名称", q.levels.map(function (level, i) {
        return text("questionnaire.levels." + i + ".name", t.levels[level.code] || level.code, "text", 50, level.name);
      })),
      check("questionnaire.organ_opinion", "每个单位后征求意见建议"),
      check("questionnaire.overall_opinion", "问卷末尾征求总体意见建议"));
    var more = h("div", {}, c.status === "open" ? [
      h("p", { class: "hint" }, "评议已开始：保存后新的答卷使用新版问卷，已收回的答卷仍按原版本计。"),
      O.field(["reason", "修改理由（选填）", "textarea", 2000])] : null, O.dateField("on", "修改日期"));
    return O.stepForm("修改问卷", [wording, more], "campaigns/" + encodeURIComponent(c.id) + "/questionnaire",
      function () {
        var body = readInto(wording, { questionnaire: JSON.parse(JSON.stringify(q)) });
        delete body.questionnaire.version;  // (the service numbers the versions)
        return O.readFields(more, { version: c.version, questionnaire: body.questionnaire });
      },
      function (answer) {
        card.replaceWith(render(answer, "问卷已保存为第 " + answer.questionnaire.version + " 版。"));
      });
  }

  function show(c, copyOnly) {
    if (!copyOnly) {
      $("title").value = c.title;
      $("starts_on").value = c.starts_on || "";
      $("ends_on").value = c.ends_on || "";
    }
    fillRows("targets", TARGET, c.targets);
    fillRows("respondent_categories", GROUP, c.respondent_categories);
  }

  function reset() {
    editing = null;
    keyOf.forget();
    ["title", "starts_on", "ends_on"].forEach(function (id) { $(id).value = ""; });
    fillRows("targets", TARGET, []);
    fillRows("respondent_categories", GROUP, []);
    $("copy-from").value = "";
    $("draft-editing").hidden = $("draft-cancel").hidden = true;
    showSettings(null);
    $("draft").querySelector("summary").textContent = "新建评议活动";
    $("draft-submit").textContent = "保存草稿";
    O.clearErrors($("draft-form"));
    $("draft-error").hidden = true;
  }

  function amend(c) {
    reset();
    editing = c;
    show(c);
    showSettings(c);
    $("draft-editing").textContent = "正在修改草稿“" + c.title + "”；保存后替换原来的内容。";
    $("draft-editing").hidden = $("draft-cancel").hidden = false;
    $("draft").querySelector("summary").textContent = "修改草稿";
    $("draft-submit").textContent = "保存修改";
    $("draft").open = true;
    $("draft-done").hidden = true;
    $("title").focus();
  }

  function submitDraft(event) {
    event.preventDefault();
    var body = definition(), button = $("draft-submit"), was = editing;
    button.disabled = true;
    $("draft-done").hidden = true;
    var path = was ? "campaigns/" + encodeURIComponent(was.id) : "campaigns";
    O.api(was ? "PUT" : "POST", path, body, keyOf(body)).then(function (c) {
      reset();
      $("draft-done").textContent = was ? "已保存对“" + c.title + "”的修改。"
        : "已新建草稿“" + c.title + "”；开始评议前仍可修改。";
      $("draft-done").hidden = false;
      return load(true).then(campaignChoices);
    }, function (error) {
      O.showError($("draft-error"), $("draft-form"), error);
    }).then(function () { button.disabled = false; });
  }

  function campaignChoices() {
    return O.all("campaigns").then(function (list) {
      list.forEach(function (c) { known[c.id] = c; });
      O.choices($("copy-from"), list.map(function (c) { return { id: c.id, name: c.title }; }), "不照抄");
    });
  }

  // --- one campaign ----------------------------------------------------------------------------------

  /** The campaign's respondent categories, {code: name}, for a batch's form. */
  function categoriesOf(c) {
    var out = {};
    c.respondent_categories.forEach(function (g) { out[g.category] = O.terms.respondent_categories[g.category] || g.category; });
    return out;
  }

  /** A step on the campaign (sent with the version shown), or, with `after`, a record made for it
   *  (a batch, a rectification problem): `after(record)` says what was done, and the campaign is
   *  shown again with the fold of such records (`opened`: "batches" or "rectifications") open. */
  function step(name, path, fields, c, card, after, opened) {
    return O.stepForm(name, fields, "campaigns/" + encodeURIComponent(c.id) + "/" + path,
      function (form) { return O.readFields(form, after ? {} : { version: c.version }); },
      function (answer) {
        if (!after) { card.replaceWith(render(answer, name + "已保存。")); return; }
        O.api("GET", "campaigns/" + encodeURIComponent(c.id)).then(function (fresh) {
          card.replaceWith(render(fresh, after(answer), opened || "batches"));
        }, O.listError);
      });
  }

  /** Rectification (整改): an organ's dimension rated low, put on the problem ledger. */
  function rectificationForm(c, card) {
    var organs = {};
    c.targets.forEach(function (t) { organs[t.organ_id] = t.name; });
    return step("登记整改问题", "rectifications", [
      h("div", { class: "row" }, O.field(["organ_id", "单位", "select", organs]), O.field(["dimension", "评议内容", "select", "dimensions"]),
        O.field(["category", "问题类别", "select", "problem_categories"])),
      O.field(["description", "问题描述（群众反映的主要意见）", "textarea", 4000]),
      h("p", { class: "hint" }, "如需同时交办给该单位，请填写责任人和办理期限："),
      h("div", { class: "row" }, O.field(["responsible_person", "责任人（选填）", "text", 100]),
        O.field(["deadline", "办理期限（选填）", "date"])),
      O.field(["measures", "整改措施（选填）", "textarea", 4000]), O.dateField("on", "登记日期")], c, card,
      function (p) {
        return "已登记为问题 " + p.number + (p.unit_name ? "，并交办给" + p.unit_name : "") + "，可在“问题台账”中跟踪办理。";
      }, "rectifications");
  }

  function steps(c, card) {
    var rectify = clerk && c.status !== "draft" ? [["登记整改问题", function () { return rectificationForm(c, card); }]] : [];
    if (!admin || c.status === "closed") return O.steps(rectify);
    var batch = [
      ["发放邀请码", function () {
        return step("发放邀请码", "invitation-batches", [h("div", { class: "row" },
          O.field(["respondent_category", "参评人员类别", "select", categoriesOf(c)]), O.field(["count", "数量", "number"])),
          O.field(["label", "批次名称（选填，如：章贡区人大代表第一批）", "text", 200]), O.dateField("on", "发放日期")], c, card,
          function (b) {
            return "已发放邀请码 " + b.count + " 个（" + (b.label || O.terms.respondent_categories[b.respondent_category]) +
              "），可在“发放批次”中下载或打印。";
          });
      }],
      ["登记纸质问卷", function () {
        return step("登记纸质问卷", "paper-batches", [h("div", { class: "row" },
          O.field(["respondent_category", "参评人员类别", "select", categoriesOf(c)]), O.field(["count", "发放份数", "number"]),
          O.field(["channel", "方式", "select", { paper: "纸质问卷", phone: "电话调查" }])),
          O.field(["label", "批次名称（选填）", "text", 200]), O.dateField("on", "发放日期")], c, card, function (b) {
            return "已登记" + BATCH_KINDS[b.channel] + " " + b.count + " 份，可在“纸质问卷录入”中逐份录入。";
          });
      }]
    ];
    var wording = [["修改问卷", function () { return questionnaireForm(c, card); }]];
    if (c.status === "draft") {
      return O.steps([["修改草稿", function () { amend(c); }]].concat(wording,  // (修改草稿: in the form above the list)
                     [["开始评议", function () { return step("开始评议", "open", [O.dateField("on", "开始日期")], c, card); }]],
                     batch));
    }
    return O.steps(batch.concat(wording, c.sealed ? [] : [["封存结果", function () {
      return step("封存结果", "seal", [O.field(["reason", "理由（选填）", "textarea", 2000]), O.dateField("on", "封存日期")], c, card);
    }]]).concat([["结束评议", function () { return step("结束评议", "close", [O.dateField("on", "结束日期")], c, card); }]])
      .concat(rectify));
  }

  /** The campaign's batches (a promise of the list); a download's failure is told in `box`. */
  function batchesOf(c, box) {
    return O.api("GET", "campaigns/" + encodeURIComponent(c.id) + "/batches").then(function (answer) {
      if (!answer.items.length) return h("p", { class: "hint" }, "尚未发放。");
      return h("ol", { class: "history" }, answer.items.map(function (b) {
        var item = h("li", {}, b.issued_on + " " + BATCH_KINDS[b.channel] + " · " +
          (O.terms.respondent_categories[b.respondent_category] || b.respondent_category) + (b.label ? " · " + b.label : "") +
          "：发放 " + b.count + " 份，收回 " + b.returned + " 份", b.over_returned ? h("span", { class: "badge overdue" }, "收回超过发放") : null);
        if (b.batch_kind === "invitation" && admin) {
          item.appendChild(h("div", { class: "actions" },
            h("button", { type: "button", class: "button ghost", onclick: function () { save(b, "csv", box); } }, "下载邀请码（CSV）"),
            h("button", { type: "button", class: "button ghost", onclick: function () { save(b, "html", box); } }, "下载打印页")));
        }
        return item;
      }));
    });
  }

  function save(b, kind, box) {
    O.download("batches/" + encodeURIComponent(b.id) + "/invitations." + kind, "邀请码-" + (b.label || b.id) + "." + kind)
      .catch(function (error) { box.appendChild(failure(error)); });
  }

  /** The campaign's rectification problems (a promise of the list): the ledger's problems from
   *  questionnaires whose reference is this campaign's ("<campaign>/<organ>/<dimension>"). */
  function rectificationsOf(c) {
    return O.all("problems?source=questionnaire&source_ref_prefix=" + encodeURIComponent(c.id + "/")).then(function (mine) {
      if (!mine.length) return h("p", { class: "hint" }, "尚未登记。");
      return h("ol", { class: "history" }, mine.map(function (p) {
        var dimension = p.source_ref.split("/")[2];
        return h("li", {}, p.number + " " + (p.unit_name || "") + " · " + (O.terms.dimensions[dimension] || dimension) + "：" +
          p.description + "（" + (O.terms.problem_statuses[p.status] || p.status) + (p.overdue ? "，逾期" : "") + "）");
      }));
    });
  }

  function failure(error) { return h("p", { class: "notice error", role: "alert" }, O.explain(error)); }

  /** A fold of the card whose content `read(c, box)` (a promise of it) is read afresh each time it
   *  is opened. */
  function fold(c, title, read, open) {
    var box = h("div", {}), details = h("details", { open: !!open }, h("summary", {}, title), box);
    details.addEventListener("toggle", function () {  // (also when made open)
      if (!details.open) return;
      read(c, box).then(function (content) { box.replaceChildren(content); },
                        function (error) { box.replaceChildren(failure(error)); });
    });
    return details;
  }

  function render(c, saved, open) {
    var t = O.terms, card = h("li", { class: "card problem", id: "campaign-" + c.id });
    var actions = steps(c, card);
    window.Pages.append(card, [
      h("div", { class: "problem-head" }, h("h2", {}, c.title),
        h("span", { class: c.status === "open" ? "badge ok" : "badge plain" }, t.campaign_statuses[c.status] || c.status),
        c.sealed ? h("span", { class: "badge plain" }, "结果已封存") : null),
      O.facts([
        ["地区", (O.regions[c.region] || {}).name || c.region],
        ["起止日期", c.starts_on || c.ends_on ? (c.starts_on || "未定") + " 至 " + (c.ends_on || "未定") : ""],
        ["评议对象", c.targets.length + " 个单位"],
        ["参评人员", c.respondent_categories.map(function (g) {
          return (t.respondent_categories[g.category] || g.category) + (g.quota != null ? " " + g.quota + " 人" : "") +
            (g.weight != null ? "（权重 " + g.weight + "）" : "");
        }).join("、")],
        ["问卷版本", "第 " + c.questionnaire.version + " 版"], ["创建日期", c.created_on || ""], ["开始日期", c.opened_on || ""],
        ["封存日期", c.sealed_on || ""], ["结束日期", c.closed_on || ""]
      ]),
      saved ? h("p", { class: "notice ok", role: "status" }, saved) : null,
      actions[0], actions[1],
      h("details", {}, h("summary", {}, "评议对象（" + c.targets.length + "）"),
        h("ol", { class: "history" }, c.targets.map(function (o) {
          return h("li", {}, o.name + "（" + (t.organ_categories[o.category] || o.category) + "，" + o.organ_id + "）");
        }))),
      fold(c, "发放批次", batchesOf, open === "batches"),
      c.status === "draft" ? null : fold(c, "整改问题", rectificationsOf, open === "rectifications")
    ]);
    return card;
  }

  /** One campaign alone (`?campaign=<id>`, as the dashboard links), its rectification form open for
   *  the organ `organ` when given (and the caller registers rectifications). */
  function one(id, organ) {
    $("draft").hidden = true;  // (drafting is for the whole list)
    return O.api("GET", "campaigns/" + encodeURIComponent(id)).then(function (c) {
      var card = render(c, null, "rectifications");
      $("campaigns").replaceChildren(card);
      var rectify = Array.prototype.find.call(card.querySelectorAll(".actions button"), function (button) {
        return button.textContent === "登记整改问题";
      });
      if (!organ || !rectify) return;
      rectify.click();
      card.querySelector("form.step select[data-name=organ_id]").value = organ;
    });
  }

  function start(claims) {
    admin = claims.role === "admin";
    clerk = admin || claims.role === "clerk";  // (a clerk registers rectification problems)
    $("draft").hidden = !admin;  // (drafting and running campaigns is the working committee's)
    O.options($("status-filter"), O.terms.campaign_statuses, "全部");
    rows("targets").querySelector(".add").addEventListener("click", function () { O.addRow(rows("targets"), TARGET); });
    rows("respondent_categories").querySelector(".add").addEventListener("click", function () {
      O.addRow(rows("respondent_categories"), GROUP);
    });
    $("copy-from").addEventListener("change", function () {
      if (!known[$("copy-from").value]) return;
      show(known[$("copy-from").value], true);
      $("copy-from").focus();  // (the rows added took it)
    });
    $("draft-form").addEventListener("submit", submitDraft);
    $("draft-cancel").addEventListener("click", reset);
    load = O.pagedList({ list: "campaigns", path: "campaigns", render: render, noun: "个评议活动", filters: function () {
      return { status: $("status-filter").value };
    } });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    var only = O.linked("campaign", "个", "评议活动");
    return Promise.all([only ? one(only, new URLSearchParams(window.location.search).get("organ")) : load(),
                        campaignChoices()]).catch(O.listError);
  }

  O.boot(start);
})();
