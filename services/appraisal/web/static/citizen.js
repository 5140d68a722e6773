/*
 * 双万 · 群众评机关 — the citizens' pages of the appraisal service.
 *
 *   /answer    the questionnaire an invitation opens (code in the URL fragment: /answer#<code>)
 *   /public/   the public opinion page (网上征求意见)
 *
 * One static script for both pages (the service's Content-Security-Policy allows no inline
 * script or style). No libraries: the DOM is built with createElement, never from HTML strings.
 * The invitation code is read from the fragment, which browsers never send, and is posted only
 * in request bodies: it never appears in a URL the server sees.
 */
(function () {
  "use strict";

  var ORGAN_CATEGORIES = {
    party_committee: "党委系统机关", people_congress: "人大机关", cppcc: "政协机关", court: "法院",
    procuratorate: "检察院", mass_organisation: "群团机关", government: "政府部门(单位)",
    stationed: "中央、省驻赣单位"
  };
  var RESPONDENT_CATEGORIES = {
    party_congress_deputy: "党代表", npc_deputy: "人大代表", cppcc_member: "政协委员",
    democratic_party: "民主党派人士", department_staff: "部门干部职工", retiree: "离退休人员",
    military: "部队官兵", enterprise_legal_rep: "企业法人代表", employee_or_trader: "企业职工和个体工商户",
    village_cadre: "村干部", farmer_or_resident: "农民和社区居民代表",
    clean_government_supervisor: "党风廉政建设特邀监督员"
  };
  var ORGAN_OPINION_MAX = 2000;
  var OVERALL_OPINION_MAX = 4000;
  var PUBLIC_OPINION_MAX = 4000;

  // --- small helpers ---------------------------------------------------------------------------

  // (/common/pages.js)
  var h = window.Pages.h, append = window.Pages.append, apiUrl = window.Pages.apiUrl,
      submissionKeys = window.Pages.submissionKeys;

  /** fetch JSON; resolves to {status, body}; status 0 when the network failed. */
  function request(method, path, body, key) {
    var options = {method: method, headers: {"Accept": "application/json"}, credentials: "omit",
                   cache: "no-store"};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (key) options.headers["Idempotency-Key"] = key;
    return fetch(apiUrl(path), options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        return {status: response.status, body: json};
      });
    }, function () {
      return {status: 0, body: null};
    });
  }

  function errorOf(result) {
    return (result.body && result.body.error) || {};
  }

  /** A server reason, in Chinese where it is one of the usual ones. */
  function reason(text) {
    var m = /Length must be between (\d+) and (\d+)/.exec(text || "");
    if (m) return "字数应在 " + m[1] + " 到 " + m[2] + " 之间";
    m = /Longer than maximum length (\d+)/.exec(text || "");
    if (m) return "字数不能超过 " + m[1];
    if (/mobile number/i.test(text || "")) return "不是有效的手机号码（11 位数字，以 1 开头）";
    if (/Must be one of|not on the scale|not a dimension/i.test(text || "")) return "不是问卷上的选项";
    if (/not appraised in this campaign/i.test(text || "")) return "不是本次评议的单位";
    if (/rated twice|Two opinions/i.test(text || "")) return "重复填写";
    if (/Missing data|required/i.test(text || "")) return "必须填写";
    if (/not open for answers/i.test(text || "")) return "问卷版本已停用，请刷新页面后重新填写";
    if (/empty/i.test(text || "")) return "请至少评价一个单位或填写一条意见";
    return "填写有误";
  }

  function networkMessage() {
    return "网络连接失败，您填写的内容仍保留在本页。请检查网络后重试。";
  }

  function setBusy(button, busy, busyText) {
    if (busy) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = busyText;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    } else {
      button.textContent = button.getAttribute("data-label") || button.textContent;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  /** Show `lines` (a message, or a message and a list) in an error box; empty hides it. */
  function showError(box, message, items) {
    box.textContent = "";
    if (!message) { box.hidden = true; return; }
    append(box, h("p", {text: message}));
    if (items && items.length) append(box, h("ul", {}, items.map(function (t) { return h("li", {text: t}); })));
    box.hidden = false;
  }

  function errorBox(id) {
    // role=alert: a screen reader announces the message as soon as it is shown.
    return h("div", {id: id, class: "error-box", role: "alert", tabindex: "-1", hidden: true});
  }

  /** Mark a field invalid with its message beside it (aria-describedby), or clear it. */
  function fieldError(input, message) {
    var id = input.id + "-error";
    var old = document.getElementById(id);
    if (old) old.remove();
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.insertAdjacentElement("afterend", h("p", {id: id, class: "field-error", text: message}));
      described.push(id);
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function render(root, nodes, focus) {
    root.textContent = "";
    append(root, nodes);
    var target = focus || root.querySelector("h1");
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    window.scrollTo(0, 0);
  }

  function storage(kind) {
    try {
      var s = window[kind];
      var probe = "shuangwan-probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null;  // private mode or storage disabled: the page still works, without memory
    }
  }

  function counter(textarea, max) {
    var out = h("p", {class: "hint counter", id: textarea.id + "-count"});
    function update() { out.textContent = "已输入 " + textarea.value.length + " / " + max + " 字"; }
    textarea.addEventListener("input", update);
    update();
    return out;
  }

  // --- /answer: the questionnaire of an invitation ------------------------------------------------

  function answerPage(root) {
    var state = {
      token: "",
      keyOf: submissionKeys(),  // the submission's Idempotency-Key, by its body
      form: null,       // what POST /invitations/form returned
      answers: {},      // organ_id -> {levels: {dimension: level}, opinion: ""}
      skipped: {},      // organ_id -> true when the respondent chose 跳过
      overall: "",
      reviewed: false   // the review step has been seen: organ pages offer a way back to it
    };
    var draftStore = storage("sessionStorage");

    function tokenFromText(text) {
      text = (text || "").trim();
      var hash = text.indexOf("#");
      if (hash >= 0) text = text.slice(hash + 1);  // a whole link pasted
      try { text = decodeURIComponent(text); } catch (e) { /* keep as typed */ }
      return text.replace(/\s+/g, "");
    }

    function draftKey() { return "shuangwan-answer:" + state.token; }

    function saveDraft() {
      if (!draftStore || !state.form) return;
      try {
        draftStore.setItem(draftKey(), JSON.stringify({
          campaign_id: state.form.campaign_id, answers: state.answers, skipped: state.skipped,
          overall: state.overall}));
      } catch (e) { /* storage full: answers stay in the page */ }
    }

    function restoreDraft() {
      if (!draftStore) return;
      try {
        var draft = JSON.parse(draftStore.getItem(draftKey()) || "null");
        if (draft && draft.campaign_id === state.form.campaign_id) {
          state.answers = draft.answers || {};
          state.skipped = draft.skipped || {};
          state.overall = draft.overall || "";
        }
      } catch (e) { /* a damaged draft is ignored */ }
    }

    function clearDraft() {
      if (draftStore) draftStore.removeItem(draftKey());
    }

    function organs() { return state.form.organs; }
    function dimensions() { return state.form.questionnaire.dimensions; }
    function levels() {
      // The scale as the questionnaire orders it, with 不了解 (unknown) always last.
      var all = state.form.questionnaire.levels.slice();
      all.sort(function (a, b) { return (a.code === "unknown") - (b.code === "unknown"); });
      return all;
    }
    function levelName(code) {
      var found = state.form.questionnaire.levels.filter(function (l) { return l.code === code; })[0];
      return found ? found.name : code;
    }
    function answerOf(organId) {
      if (!state.answers[organId]) state.answers[organId] = {levels: {}, opinion: ""};
      return state.answers[organId];
    }
    function hasAnswer(organId) {
      var a = state.answers[organId];
      return !!a && !state.skipped[organId] && (Object.keys(a.levels).length > 0 || !!a.opinion.trim());
    }

    // Step: the code, typed or pasted (or an error about the code in the link).
    function showTokenStep(message) {
      var input = h("input", {id: "token", name: "token", type: "text", autocomplete: "off",
                              autocapitalize: "off", spellcheck: "false",
                              value: state.token || "", "aria-describedby": "token-hint"});
      var box = errorBox("token-errors");
      var button = h("button", {type: "submit", class: "primary", text: "打开问卷"});
      var form = h("form", {class: "card", novalidate: true, onsubmit: function (event) {
        event.preventDefault();
        var token = tokenFromText(input.value);
        if (!token) {
          markToken("请输入邀请码。");
          input.focus();
          return;
        }
        markToken(null);
        state.token = token;
        // Keep the code in the fragment (never sent), so a reload opens the same questionnaire.
        history.replaceState(null, "", "#" + token);
        setBusy(button, true, "正在打开……");
        openQuestionnaire(function () { setBusy(button, false); });
      }},
        h("div", {class: "field"},
          h("label", {for: "token", text: "邀请码"}),
          h("p", {id: "token-hint", class: "hint",
                  text: "请输入或粘贴邀请函上的邀请码（也可以直接粘贴邀请链接）。扫描二维码会自动填入。"}),
          input),
        box,
        h("div", {class: "actions"}, button));
      render(root, [h("h1", {text: "问卷测评"}),
                    h("p", {class: "lead", text: "请使用您收到的邀请码打开问卷。每个邀请码只能提交一次。"}),
                    form]);
      // The message about the code is shown once, in the alert box the field is described by.
      function markToken(text) {
        showError(box, text);
        if (text) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", "token-hint token-errors");
        } else {
          input.removeAttribute("aria-invalid");
          input.setAttribute("aria-describedby", "token-hint");
        }
      }
      if (message) {
        markToken(message);
        box.focus();
      }
    }

    function openQuestionnaire(done) {
      request("POST", "invitations/form", {token: state.token}).then(function (result) {
        if (done) done();
        if (result.status === 200) {
          state.form = result.body;
          if (state.form.used) {
            showTokenStep("此邀请码已使用，每个邀请码只能提交一次。如有疑问，请与发放邀请码的单位联系。");
            return;
          }
          restoreDraft();
          showIntro();
          return;
        }
        showTokenStep(submitMessage(result).message);
      });
    }

    // Step: what the questionnaire is about.
    function showIntro() {
      var q = state.form.questionnaire;
      var category = RESPONDENT_CATEGORIES[state.form.respondent_category] || state.form.respondent_category;
      var started = Object.keys(state.answers).some(hasAnswer);
      render(root, [
        h("h1", {text: state.form.title}),
        q.title && q.title !== state.form.title ? h("p", {class: "lead", text: q.title}) : null,
        h("dl", {class: "facts"},
          h("dt", {text: "参评身份"}), h("dd", {text: category}),
          h("dt", {text: "评议单位"}), h("dd", {text: "共 " + organs().length + " 个"})),
        q.instructions ? h("p", {class: "instructions", text: q.instructions}) : null,
        h("div", {class: "card"},
          h("h2", {text: "填写说明"}),
          h("ul", {class: "plain"},
            h("li", {text: "逐个单位评价：" + dimensions().map(function (d) { return d.name; }).join("、") + "。"}),
            h("li", {text: "每项选择：" + levels().map(function (l) { return l.name; }).join(" / ") + "。"}),
            h("li", {text: "对某个单位不熟悉，可以选“不了解”，也可以跳过这个单位。"}),
            h("li", {text: "最后检查一遍再提交。提交后不能修改。"}))),
        h("div", {class: "actions"},
          h("button", {type: "button", class: "primary", id: "start", text: started ? "继续填写" : "开始评议",
                       onclick: function () { showOrgan(0); }}))
      ]);
    }

    function progress(index) {
      var total = organs().length;
      return h("div", {class: "progress"},
        h("p", {id: "progress-text", class: "progress-text", text: "第 " + (index + 1) + "/" + total + " 个单位"}),
        h("progress", {max: String(total), value: String(index + 1), "aria-labelledby": "progress-text"}));
    }

    // Step: one organ, five dimensions, an opinion.
    function showOrgan(index) {
      var organ = organs()[index];
      var answer = answerOf(organ.organ_id);
      var q = state.form.questionnaire;
      var box = errorBox("organ-errors");

      var groups = dimensions().map(function (d, di) {
        var name = "dim-" + d.code;
        var legendId = "legend-" + d.code;
        return h("fieldset", {class: "dimension"},
          h("legend", {id: legendId},
            h("span", {class: "dimension-name", text: (di + 1) + ". " + d.name}),
            d.prompt ? h("span", {class: "dimension-prompt", text: d.prompt}) : null),
          h("div", {class: "options"}, levels().map(function (level) {
            var id = name + "-" + level.code;
            return h("div", {class: "option level-" + level.code},
              h("input", {type: "radio", id: id, name: name, value: level.code,
                          checked: answer.levels[d.code] === level.code,
                          onchange: function () {
                            answer.levels[d.code] = level.code;
                            delete state.skipped[organ.organ_id];
                            saveDraft();
                          }}),
              h("label", {for: id, text: level.name}));
          })));
      });

      var opinion = null;
      if (q.organ_opinion) {
        var textarea = h("textarea", {id: "organ-opinion", name: "organ-opinion", rows: "4",
                                      maxlength: String(ORGAN_OPINION_MAX), value: answer.opinion,
                                      "aria-describedby": "organ-opinion-hint organ-opinion-count",
                                      oninput: function () {
                                        answer.opinion = textarea.value;
                                        delete state.skipped[organ.organ_id];
                                        saveDraft();
                                      }});
        opinion = h("div", {class: "field"},
          h("label", {for: "organ-opinion", text: "对本单位的意见和建议（选填）"}),
          h("p", {id: "organ-opinion-hint", class: "hint", text: "请具体写出事情和改进建议，不要填写个人信息。"}),
          textarea, counter(textarea, ORGAN_OPINION_MAX));
      }

      var last = index === organs().length - 1;
      var afterLast = q.overall_opinion ? showOverall : showReview;
      var form = h("form", {novalidate: true, onsubmit: function (event) {
        event.preventDefault();
        delete state.skipped[organ.organ_id];
        saveDraft();
        if (last) afterLast(); else showOrgan(index + 1);
      }},
        groups, opinion, box,
        h("div", {class: "actions"},
          h("button", {type: "submit", class: "primary", id: "next", text: last ? "下一步" : "下一个单位"}),
          h("button", {type: "button", id: "skip", text: "跳过此单位",
                       onclick: function () {
                         state.skipped[organ.organ_id] = true;
                         state.answers[organ.organ_id] = {levels: {}, opinion: ""};
                         saveDraft();
                         if (last) afterLast(); else showOrgan(index + 1);
                       }}),
          h("button", {type: "button", id: "back", text: index === 0 ? "返回说明" : "上一个单位",
                       onclick: function () { if (index === 0) showIntro(); else showOrgan(index - 1); }}),
          state.reviewed ? h("button", {type: "button", id: "to-review", text: "回到检查页",
                                        onclick: function () { showReview(); }}) : null));

      render(root, [
        progress(index),
        h("h1", {class: "organ-name", text: organ.name}),
        h("p", {class: "organ-category", text: ORGAN_CATEGORIES[organ.category] || organ.category}),
        state.skipped[organ.organ_id] ? h("p", {class: "notice", text: "您已跳过此单位。如需评价，请直接选择后点“" +
                                                 (last ? "下一步" : "下一个单位") + "”。"}) : null,
        form
      ]);
    }

    // Step: the overall opinion.
    function showOverall() {
      var textarea = h("textarea", {id: "overall-opinion", name: "overall-opinion", rows: "6",
                                    maxlength: String(OVERALL_OPINION_MAX), value: state.overall,
                                    "aria-describedby": "overall-opinion-hint overall-opinion-count",
                                    oninput: function () { state.overall = textarea.value; saveDraft(); }});
      render(root, [
        h("p", {class: "progress-text", text: "最后一步：总体意见"}),
        h("h1", {text: "总体意见和建议"}),
        h("form", {novalidate: true, onsubmit: function (event) { event.preventDefault(); showReview(); }},
          h("div", {class: "field"},
            h("label", {for: "overall-opinion", text: "对机关作风建设的总体意见和建议（选填）"}),
            h("p", {id: "overall-opinion-hint", class: "hint", text: "可以写对所有机关的共性问题和建议。"}),
            textarea, counter(textarea, OVERALL_OPINION_MAX)),
          h("div", {class: "actions"},
            h("button", {type: "submit", class: "primary", id: "next", text: "检查答卷"}),
            h("button", {type: "button", id: "back", text: "上一个单位",
                         onclick: function () { showOrgan(organs().length - 1); }})))
      ], null);
    }

    function payload() {
      var ratings = [], opinions = [];
      organs().forEach(function (organ) {
        if (state.skipped[organ.organ_id]) return;
        var a = state.answers[organ.organ_id];
        if (!a) return;
        dimensions().forEach(function (d) {
          if (a.levels[d.code]) ratings.push({organ_id: organ.organ_id, dimension: d.code, level: a.levels[d.code]});
        });
        if (state.form.questionnaire.organ_opinion && a.opinion.trim()) {
          opinions.push({organ_id: organ.organ_id, text: a.opinion.trim()});
        }
      });
      var body = {token: state.token, questionnaire_version: state.form.questionnaire.version,
                  ratings: ratings, organ_opinions: opinions};
      if (state.form.questionnaire.overall_opinion && state.overall.trim()) body.overall_opinion = state.overall.trim();
      return body;
    }

    /** A field path of the submission (`ratings.3.level`) as the respondent knows it. */
    function fieldName(path, body) {
      var parts = path.split(".");
      var organName = function (id) {
        var o = organs().filter(function (x) { return x.organ_id === id; })[0];
        return o ? o.name : id;
      };
      var dimName = function (code) {
        var d = dimensions().filter(function (x) { return x.code === code; })[0];
        return d ? d.name : code;
      };
      if (parts[0] === "ratings" && body && parts.length > 1) {
        var r = body.ratings[Number(parts[1])];
        if (r) return "“" + organName(r.organ_id) + "”的“" + dimName(r.dimension) + "”评价";
      }
      if (parts[0] === "organ_opinions" && body && parts.length > 1) {
        var o = body.organ_opinions[Number(parts[1])];
        if (o) return "对“" + organName(o.organ_id) + "”的意见";
      }
      return {ratings: "评价", organ_opinions: "对单位的意见", overall_opinion: "总体意见", token: "邀请码",
              questionnaire_version: "问卷版本", campaign: "评议活动"}[parts[0]] || "填写内容";
    }

    /** The message (and itemised field errors) for an answer of the service. */
    function submitMessage(result, body) {
      var error = errorOf(result);
      if (result.status === 0) return {message: networkMessage()};
      if (result.status === 403) return {message: "邀请码无效，请核对后重新输入。（注意区分数字 0 和字母 o、数字 1 和字母 l）"};
      if (result.status === 409 && error.code === "invitation_used") {
        return {message: "此邀请码已使用，每个邀请码只能提交一次。"};
      }
      if (result.status === 409) return {message: "本次评议活动目前不接受答卷（尚未开始或已经结束）。"};
      if (result.status === 404) return {message: "找不到这份问卷，它可能已经停用。"};
      if (result.status === 413) return {message: "填写的内容太长，请删减后再提交。"};
      if (result.status === 429) return {message: "提交过于频繁，请稍后再试。"};
      if (result.status === 422 || result.status === 400) {
        var fields = error.fields || {};
        var items = Object.keys(fields).map(function (path) {
          return fieldName(path, body) + "：" + reason((fields[path] || [])[0]);
        });
        return {message: "以下内容需要修改：", items: items.length ? items : ["填写内容有误"]};
      }
      return {message: "服务暂时不可用，您填写的内容仍保留在本页，请稍后重试。"};
    }

    // Step: everything at a glance, then submit.
    function showReview() {
      state.reviewed = true;
      var box = errorBox("review-errors");
      var rated = organs().filter(function (o) { return hasAnswer(o.organ_id); }).length;
      var list = h("ol", {class: "review-list"}, organs().map(function (organ, index) {
        var a = state.answers[organ.organ_id];
        var content;
        if (!hasAnswer(organ.organ_id)) {
          content = h("p", {class: "muted", text: state.skipped[organ.organ_id] ? "已跳过" : "未评价"});
        } else {
          content = [
            h("dl", {class: "review-levels"}, dimensions().map(function (d) {
              return [h("dt", {text: d.name}),
                      h("dd", {text: a.levels[d.code] ? levelName(a.levels[d.code]) : "未选"})];
            })),
            a.opinion.trim() ? h("p", {class: "review-opinion", text: "意见：" + a.opinion.trim()}) : null
          ];
        }
        return h("li", {class: "review-item"},
          h("div", {class: "review-head"},
            h("h2", {text: organ.name}),
            h("button", {type: "button", class: "link", "aria-label": "修改“" + organ.name + "”",
                         text: "修改", onclick: function () { showOrgan(index); }})),
          content);
      }));
      var submit = h("button", {type: "button", class: "primary", id: "submit", text: "提交问卷",
                                onclick: function () {
        var body = payload();
        if (!body.ratings.length && !body.organ_opinions.length && !body.overall_opinion) {
          showError(box, "问卷还是空的：请至少评价一个单位，或填写一条意见。");
          box.focus();
          return;
        }
        showError(box, null);
        setBusy(submit, true, "正在提交……");
        request("POST", "responses", body, state.keyOf(body)).then(function (result) {
          setBusy(submit, false);
          if (result.status === 201) {
            clearDraft();
            showDone(result.body);
            return;
          }
          var m = submitMessage(result, body);
          showError(box, m.message, m.items);
          box.focus();
        });
      }});
      render(root, [
        h("p", {class: "progress-text", text: "检查答卷"}),
        h("h1", {text: "检查并提交"}),
        h("p", {class: "lead", text: "已评价 " + rated + " 个单位，未评价或跳过 " + (organs().length - rated) +
                                     " 个。提交后不能修改。"}),
        list,
        state.form.questionnaire.overall_opinion ? h("section", {class: "review-item"},
          h("div", {class: "review-head"},
            h("h2", {text: "总体意见"}),
            h("button", {type: "button", class: "link", "aria-label": "修改总体意见", text: "修改",
                         onclick: function () { showOverall(); }})),
          h("p", {class: state.overall.trim() ? "review-opinion" : "muted", text: state.overall.trim() || "未填写"}))
          : null,
        box,
        h("div", {class: "actions"},
          submit,
          h("button", {type: "button", id: "back", text: "返回上一步", onclick: function () {
            if (state.form.questionnaire.overall_opinion) showOverall(); else showOrgan(organs().length - 1);
          }}))
      ]);
    }

    // Step: confirmation.
    function showDone(receipt) {
      state.done = true;
      history.replaceState(null, "", window.location.pathname);  // the spent code leaves the address bar
      render(root, [
        h("div", {class: "confirmation", role: "status"},
          h("h1", {text: "提交成功，感谢您的参与！"}),
          h("p", {text: "您的答卷已匿名保存" + (receipt && receipt.submitted_on ? "（" + receipt.submitted_on + "）" : "") +
                         "。此邀请码已经使用，无需再次提交。"})),
        h("p", {}, h("a", {href: apiUrl("public/"), text: "还有意见？到网上征求意见页面留言"}))
      ]);
    }

    function begin(token) {
      state.token = token;
      state.form = null;
      state.answers = {};
      state.skipped = {};
      state.overall = "";
      state.reviewed = false;
      state.done = false;
      if (token) openQuestionnaire(); else showTokenStep();
    }

    // Another invitation link opened in this tab (a same-page navigation: no reload).
    window.addEventListener("hashchange", function () {
      var token = tokenFromText(window.location.hash);
      if (token && (token !== state.token || state.done)) begin(token);
    });

    begin(tokenFromText(window.location.hash));
  }

  // --- /public/: online opinions ---------------------------------------------------------------

  function deviceId() {
    var store = storage("localStorage");
    if (!store) return null;
    var key = "shuangwan-device-id";
    var id = store.getItem(key);
    if (!id || !/^[0-9a-f]{32}$/.test(id)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      store.setItem(key, id);
    }
    return id;
  }

  function publicPage(root) {
    var campaigns = [];

    function load() {
      request("GET", "public/campaigns").then(function (result) {
        if (result.status !== 200) {
          var box = errorBox("load-errors");
          render(root, [h("h1", {text: "网上征求意见"}), box,
                        h("div", {class: "actions"}, h("button", {type: "button", class: "primary", text: "重新加载",
                                                                  onclick: load}))]);
          showError(box, result.status === 0 ? "网络连接失败，请检查网络后重新加载。" : "服务暂时不可用，请稍后重新加载。");
          return;
        }
        campaigns = result.body.items || [];
        if (!campaigns.length) {
          render(root, [h("h1", {text: "网上征求意见"}),
                        h("p", {class: "lead", text: "目前没有正在征求意见的评议活动，欢迎稍后再来。"})]);
          return;
        }
        showForm(campaigns[0].id);
      });
    }

    function organOptions(select, campaign) {
      select.textContent = "";
      append(select, h("option", {value: "", text: "总体意见（不针对具体单位）"}));
      var groups = {};
      var order = [];
      campaign.organs.forEach(function (o) {
        if (!groups[o.category]) { groups[o.category] = []; order.push(o.category); }
        groups[o.category].push(o);
      });
      order.forEach(function (category) {
        append(select, h("optgroup", {label: ORGAN_CATEGORIES[category] || category},
          groups[category].map(function (o) { return h("option", {value: o.organ_id, text: o.name}); })));
      });
    }

    function showForm(campaignId, notice) {
      var campaign = campaigns.filter(function (c) { return c.id === campaignId; })[0] || campaigns[0];
      var box = errorBox("opinion-errors");
      var organ = h("select", {id: "organ", name: "organ", "aria-describedby": "organ-hint"});
      organOptions(organ, campaign);
      var campaignField;
      if (campaigns.length > 1) {
        var select = h("select", {id: "campaign", name: "campaign", onchange: function () {
          campaign = campaigns.filter(function (c) { return c.id === select.value; })[0];
          organOptions(organ, campaign);
        }}, campaigns.map(function (c) {
          return h("option", {value: c.id, text: c.title, selected: c.id === campaign.id});
        }));
        select.value = campaign.id;
        campaignField = h("div", {class: "field"}, h("label", {for: "campaign", text: "评议活动"}), select);
      } else {
        campaignField = h("p", {class: "lead"}, "评议活动：", h("strong", {text: campaign.title}));
      }
      var text = h("textarea", {id: "text", name: "text", rows: "7", maxlength: String(PUBLIC_OPINION_MAX),
                                required: true, "aria-required": "true",
                                "aria-describedby": "text-hint text-count"});
      var phone = h("input", {id: "phone", name: "phone", type: "tel", inputmode: "numeric", autocomplete: "tel",
                              maxlength: "11", "aria-describedby": "phone-hint"});
      var button = h("button", {type: "submit", class: "primary", id: "send", text: "提交意见"});
      var keyOf = submissionKeys();  // this opinion's Idempotency-Key, the same for every try at sending the same text

      var form = h("form", {class: "card", novalidate: true, onsubmit: function (event) {
        event.preventDefault();
        var value = text.value.trim();
        var number = phone.value.replace(/[\s-]/g, "");
        var problems = [];
        fieldError(text, null);
        fieldError(phone, null);
        if (!value) { fieldError(text, "请填写意见内容"); problems.push(text); }
        if (number && !/^1\d{10}$/.test(number)) {
          fieldError(phone, "手机号码应为 11 位数字，以 1 开头；也可以不填");
          problems.push(phone);
        }
        if (problems.length) {
          showError(box, "请按提示修改后再提交。");
          problems[0].focus();
          return;
        }
        showError(box, null);
        var body = {text: value};
        if (organ.value) body.organ_id = organ.value;
        if (number) body.phone = number;
        var device = deviceId();
        if (device) body.device_id = device;
        setBusy(button, true, "正在提交……");
        request("POST", "campaigns/" + encodeURIComponent(campaign.id) + "/opinions", body, keyOf(body)).then(function (result) {
          setBusy(button, false);
          if (result.status === 201) {
            showThanks(campaign.id);
            return;
          }
          var error = errorOf(result);
          if (result.status === 429) {
            showError(box, "提交过于频繁，请一小时后再试。您写的内容仍保留在本页。");
          } else if (result.status === 422 || result.status === 400) {
            var fields = error.fields || {};
            var names = {text: "意见内容", phone: "手机号码", organ_id: "单位", device_id: "设备标识"};
            showError(box, "以下内容需要修改：", Object.keys(fields).map(function (f) {
              var input = {text: text, phone: phone, organ_id: organ}[f];
              if (input) fieldError(input, reason((fields[f] || [])[0]));
              return (names[f] || f) + "：" + reason((fields[f] || [])[0]);
            }));
          } else if (result.status === 409 && error.code === "version_conflict") {
            // (this opinion's earlier try arrived; only its answer was lost)
            showThanks(campaign.id);
          } else if (result.status === 409) {
            showError(box, "这个评议活动已经结束，不再征求意见。请刷新页面查看其他活动。");
          } else if (result.status === 404) {
            showError(box, "找不到这个评议活动，请刷新页面。");
          } else if (result.status === 0) {
            showError(box, "网络连接失败，您写的内容仍保留在本页。请检查网络后重试。");
          } else {
            showError(box, "服务暂时不可用，您写的内容仍保留在本页，请稍后重试。");
          }
          box.focus();
        });
      }},
        campaignField,
        h("div", {class: "field"},
          h("label", {for: "organ", text: "意见针对的单位"}),
          h("p", {id: "organ-hint", class: "hint", text: "可以选择某个单位，也可以提总体意见。"}),
          organ),
        h("div", {class: "field"},
          h("label", {for: "text"}, "意见和建议", h("span", {class: "required", text: "（必填）"})),
          h("p", {id: "text-hint", class: "hint", text: "请写清楚事情经过和您的建议。请勿填写他人的个人信息。"}),
          text, counter(text, PUBLIC_OPINION_MAX)),
        h("div", {class: "field"},
          h("label", {for: "phone", text: "手机号码（选填）"}),
          h("p", {id: "phone-hint", class: "hint",
                  text: "只用于防止重复提交：系统只保存号码的加密摘要，不保存号码本身，也不会联系您。"}),
          phone),
        box,
        h("div", {class: "actions"}, button));

      render(root, [
        h("h1", {text: "网上征求意见"}),
        notice ? h("p", {class: "notice", text: notice}) : null,
        h("p", {class: "lead", text: "欢迎对机关的服务大局、工作质量、服务态度、干部作风和机关形象提出意见和建议。无需注册，匿名提交。"}),
        form
      ]);
    }

    function showThanks(campaignId) {
      render(root, [
        h("div", {class: "confirmation", role: "status"},
          h("h1", {text: "意见已提交，感谢您的参与！"}),
          h("p", {text: "您的意见将转交有关单位研究处理。"})),
        h("div", {class: "actions"},
          h("button", {type: "button", class: "primary", id: "again", text: "再提一条意见",
                       onclick: function () { showForm(campaignId); }}))
      ]);
    }

    load();
  }

  function start() {
    var root = document.getElementById("app");
    var page = document.body.getAttribute("data-page");
    if (!root) return;
    if (page === "answer") answerPage(root);
    else if (page === "public") publicPage(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
