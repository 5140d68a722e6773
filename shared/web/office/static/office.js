/*
 * 双万 · the offices' forms: what every page shares (window.Office).
 *
 * Sign-in with the office token (kept in the tab's sessionStorage, sent as a Bearer header, never
 * in a URL), calls to the service's REST API in its one error format, errors shown beside the
 * fields the API names (in Chinese: messages.js), the code tables of /office/terms.json, dates in
 * China Standard Time; the forms' fields, repeatable rows, records shown as cards with their
 * steps, and paged lists. No libraries; the DOM is built with createElement, never from HTML
 * strings.
 */
(function () {
  "use strict";

  var ROLE_NAMES = { admin: "管理员", clerk: "联络员", viewer: "查看人员" };
  var $ = function (id) { return document.getElementById(id); };

  var h = window.Pages.h, apiUrl = window.Pages.apiUrl;  // (/common/pages.js)
  var say = window.OfficeMessages.say;  // (messages.js)

  function options(select, table, blank) {
    select.textContent = "";
    if (blank !== undefined) select.appendChild(h("option", { value: "" }, blank));
    Object.keys(table).forEach(function (code) { select.appendChild(h("option", { value: code }, table[code])); });
  }

  /** Today in China Standard Time, as the API's dates are: YYYY-MM-DD. */
  function today() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  }

  var officeToken = window.Pages.officeToken;  // (/common/pages.js, kept as the dashboard keeps it)
  function token() { return officeToken.get(); }

  // --- the API -----------------------------------------------------------------------------------

  /** An answer other than 2xx, in the services' one error format. */
  function ApiError(status, body) {
    var error = (body && body.error) || {};
    this.status = status;
    this.code = error.code || "";
    this.message = error.message || ("请求失败（" + status + "）");
    this.fields = error.fields || {};
  }

  /** fetch → the parsed JSON answer, or an ApiError (status 0 when the network failed). `key`: the
   *  submission's Idempotency-Key, sent with a POST (the services honour it there; a PUT or PATCH
   *  carries the version it was read at, and sent again is refused as stale, never done twice). */
  function api(method, path, body, key) {
    var headers = { Authorization: "Bearer " + token(), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key && method === "POST") headers["Idempotency-Key"] = key;
    return fetch(apiUrl(path), { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw new ApiError(0, { error: { message: "网络连接失败，请检查网络后重试；已填写的内容不会丢失。" } }); })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok) {
            if (response.status === 401) signOut("登录已失效，请重新输入访问令牌。");
            throw new ApiError(response.status, data);
          }
          return data;
        });
      });
  }

  /** Every page of a list, concatenated (lists answer at most 500 a page). */
  function all(path) {
    var items = [];
    function page(n) {
      return api("GET", path + (path.indexOf("?") < 0 ? "?" : "&") + "page_size=500&page=" + n).then(function (data) {
        items = items.concat(data.items);
        return items.length < data.total && data.items.length ? page(n + 1) : items;
      });
    }
    return page(1);
  }

  // --- repeatable rows (a visit's funds, a questionnaire's opinions…) ------------------------------

  var serial = 0;

  /** A row added to the repeatable list of `fieldset` (its data-list names the list as the API
   *  does), with `fields`: [name ("" for a list of plain values), label, kind, and the text's
   *  length for "text" and "textarea"; for "select" the options, {code: name} or the name of a
   *  table of /office/terms.json]; and a remove button. The row's first field gets the focus; the
   *  row is returned. */
  function addRow(fieldset, fields) {
    var row = h("div", { class: "item" });
    fields.forEach(function (f) {
      var id = "r" + (++serial), input;
      if (f[2] === "select") {
        input = h("select", { id: id });
        options(input, typeof f[3] === "string" ? Office.terms[f[3]] : f[3], "请选择");
      } else if (f[2] === "textarea") {
        input = h("textarea", { id: id, rows: 2, maxlength: f[3] });
      } else if (f[2] === "number") {
        input = h("input", { id: id, type: "number", min: 0, step: 1, inputmode: "numeric" });
      } else if (f[2] === "decimal") {
        input = h("input", { id: id, type: "text", inputmode: "decimal", placeholder: "如 5000.00" });
      } else {
        input = h("input", { id: id, type: "text", maxlength: f[3] });
      }
      input.setAttribute("data-name", f[0]);
      row.appendChild(h("div", { class: "field" }, h("label", { for: id }, f[1]), input,
                        h("p", { class: "field-error", hidden: true })));
    });
    row.appendChild(h("button", { type: "button", class: "button ghost remove", onclick: function () {
      row.remove();
      renumber(fieldset);
    } }, "删除"));
    row.appendChild(h("p", { class: "field-error", hidden: true }));
    fieldset.querySelector(".rows").appendChild(row);
    renumber(fieldset);
    row.querySelector("input, select, textarea").focus();
    return row;
  }

  /** data-field paths follow the rows' order, as the API's error fields do ("funds.1.amount_yuan"). */
  function renumber(fieldset) {
    var list = fieldset.getAttribute("data-list");
    Array.prototype.forEach.call(fieldset.querySelector(".rows").children, function (row, i) {
      row.setAttribute("data-field", list + "." + i);
      row.querySelectorAll(".field").forEach(function (field) {
        var name = field.querySelector("[data-name]").getAttribute("data-name");
        field.setAttribute("data-field", name ? list + "." + i + "." + name : list + "." + i);
      });
      row.querySelector(".remove").setAttribute("aria-label", "删除第" + (i + 1) + "项");
    });
  }

  /** A number input's value as the API wants it: a number when it is one, else the text as typed
   *  (the API then says what is wrong with it, beside the field). What the browser could not read
   *  as a number at all (its value is then empty) is sent as such ("?"), not as nothing. */
  function number(text, input) {
    if (input && input.validity && input.validity.badInput) return "?";
    return /^\d+$/.test(text) ? parseInt(text, 10) : text;
  }

  /** Row values with what is left empty left out (the API then names what is required). */
  function compact(values) {
    var out = {};
    Object.keys(values).forEach(function (k) { if (values[k] !== "") out[k] = values[k]; });
    return out;
  }

  /** Each row's values by field name, trimmed; what a number field could not read is "?" (the API
   *  then refuses it as no number, rather than taking it for nothing). */
  function readRows(fieldset) {
    return Array.prototype.map.call(fieldset.querySelector(".rows").children, function (row) {
      var values = {};
      row.querySelectorAll("[data-name]").forEach(function (input) {
        values[input.getAttribute("data-name")] = input.validity.badInput ? "?" : input.value.trim();
      });
      return values;
    });
  }

  // --- organs and their cadres --------------------------------------------------------------------

  // Records keep the ids of their organs and cadres; the pages show names. The organs are read
  // whole; cadres organ by organ, once a page, as forms and records need them (a province has too
  // many cadres to read them all).
  var organNames = {}, cadreNames = {}, cadreLists = {};

  /** The organs of the jurisdiction; into `select` too when given, after a prompt to choose. */
  function organs(select) {
    return all("organs").then(function (list) {
      list.forEach(function (o) { organNames[o.id] = o.name; });
      if (select) choices(select, list, list.length ? "请选择单位" : "本辖区尚无登记的单位");
      return list;
    });
  }

  /** An organ's name once `organs` read them; else its id ("" for none). */
  function organName(id) { return id ? organNames[id] || id : ""; }

  /** The cadres of organ `organId`, read once a page (a promise; a read that failed is tried again). */
  function cadresIn(organId) {
    if (!cadreLists[organId]) {
      cadreLists[organId] = all("cadres?organ_id=" + encodeURIComponent(organId)).then(function (cadres) {
        cadres.forEach(function (c) { cadreNames[c.id] = c.name; });
        return cadres;
      }, function (error) {
        delete cadreLists[organId];
        throw error;
      });
    }
    return cadreLists[organId];
  }

  /** Reads the cadres of the organs `organIds` for `cadreName`; a promise, kept when a read fails
   *  (those cadres are then shown by id). */
  function cadresOf(organIds) {
    return Promise.all(organIds.filter(Boolean).map(function (id) { return cadresIn(id).catch(function () {}); }));
  }

  /** A cadre's name, once the cadre's organ was read; else the id. */
  function cadreName(id) { return cadreNames[id] || id; }

  /** `select` filled with the cadres of organ `organId` after `blank` (leading cadres marked), or
   *  with a prompt to choose the organ first; a promise. A later choice of organ wins. */
  function cadreChoices(select, organId, blank) {
    select.setAttribute("data-organ", organId || "");
    choices(select, [], organId ? blank : "请先选择单位");
    if (!organId) return Promise.resolve();
    return cadresIn(organId).then(function (cadres) {
      if (select.getAttribute("data-organ") !== organId) return;
      choices(select, cadres.map(function (c) { return { id: c.id, name: c.name + (c.leading ? " · 领导干部" : "") }; }), blank);
    });
  }

  /** A form for one step on a record shown in a card: an error box, `fields`, 确认/取消. Sent,
   *  `read(form)` is posted (or sent with `method`) to `path` under the form's Idempotency-Key, and
   *  `done(answer)` gets the answer; what the API refuses is shown in the form. */
  function stepForm(name, fields, path, read, done, method) {
    var box = h("div", { class: "notice error", role: "alert", tabindex: "-1", hidden: true });
    var keyOf = window.Pages.submissionKeys();
    var form = h("form", { class: "step", novalidate: true, "aria-label": name }, box, fields,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button primary" }, "确认" + name),
        h("button", { type: "button", class: "button ghost", onclick: function () { form.remove(); } }, "取消")));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = read(form), button = form.querySelector("button[type=submit]");
      button.disabled = true;
      api(method || "POST", path, body, keyOf(body)).then(done, function (error) {
        button.disabled = false;
        showError(box, form, error);
      });
    });
    return form;
  }

  // --- records in cards, their steps, and the forms' fields -----------------------------------------

  /** A labelled field: [name as the API calls it, label, kind, extra]. Kinds: "text" and "textarea"
   *  (extra: the most characters), "date", "check" (one box: true or false), "checks" (a box for
   *  each code of extra, sent as the list of codes ticked), "number" (whole), "decimal" (yuan, sent
   *  as written),
   *  "select" (extra: {code: name} or the name of a table of terms.json), or a control made
   *  already (an element, given as the kind). */
  function field(spec) {
    var name = spec[0], label = spec[1], kind = spec[2], extra = spec[3], id = "f" + (++serial), control;
    if (kind === "checks") {
      var table = typeof extra === "string" ? Office.terms[extra] : extra;
      return h("fieldset", { class: "field", "data-field": name }, h("legend", {}, label),
        h("div", { class: "choices" }, Object.keys(table).map(function (code) {
          var box = id + "-" + code;
          return h("div", { class: "choice" },
            h("input", { type: "checkbox", id: box, value: code, "data-name": name, "data-list": "true" }),
            h("label", { for: box }, table[code]));
        })), h("p", { class: "field-error", hidden: true }));
    }
    if (typeof kind === "object") control = kind;
    else if (kind === "select") {
      control = h("select", {});
      options(control, typeof extra === "string" ? Office.terms[extra] : extra, "请选择");
    } else if (kind === "textarea") control = h("textarea", { rows: 3, maxlength: extra });
    else if (kind === "date") control = h("input", { type: "date" });
    else if (kind === "check") control = h("input", { type: "checkbox" });
    else if (kind === "number") control = h("input", { type: "number", min: 0, step: 1, inputmode: "numeric" });
    else if (kind === "decimal") control = h("input", { type: "text", inputmode: "decimal", placeholder: "如 10000.00" });
    else control = h("input", { type: "text", maxlength: extra });
    control.id = id;
    control.setAttribute("data-name", name);
    var labelled = h("label", { for: id }, label);
    return h("div", { class: kind === "check" ? "field check" : "field", "data-field": name },
             kind === "check" ? [control, labelled] : [labelled, control], h("p", { class: "field-error", hidden: true }));
  }

  /** The date a step happened: today unless the office records it afterwards (never later). */
  function dateField(name, label) {
    var wrap = field([name || "on", label || "办理日期", "date"]), input = wrap.querySelector("input");
    input.value = input.max = today();
    return wrap;
  }

  /** `body` with the values of the fields under `root` (by their data-name): boxes as true or
   *  false, a list of boxes as the codes ticked, whole numbers as numbers ("?" when the browser
   *  could not read one, which the API refuses rather than taking it for nothing), texts trimmed,
   *  and what is left empty left out. */
  function readFields(root, body) {
    body = body || {};
    root.querySelectorAll("[data-name]").forEach(function (input) {
      if (input.closest("fieldset.repeat")) return;  // (a repeated row's fields: see readRows)
      var name = input.getAttribute("data-name"), value = input.value.trim();
      if (input.getAttribute("data-list")) {
        body[name] = body[name] || [];
        if (input.checked) body[name].push(input.value);
      } else if (input.type === "checkbox") body[name] = input.checked;
      else if (input.type === "radio") { if (input.checked) body[name] = value === "true"; }
      else if (input.type === "number") { if (input.validity.badInput) body[name] = "?"; else if (value) body[name] = Number(value); }
      else if (value) body[name] = value;
    });
    return body;
  }

  /** A description list of [term, value] (pairs whose value is empty are left out). */
  function facts(pairs) {
    return h("dl", { class: "facts" }, pairs.filter(function (f) { return f[1] !== "" && f[1] != null; })
      .map(function (f) { return [h("dt", {}, f[0]), h("dd", {}, String(f[1]))]; }));
  }

  /** The 撤销 step of a record logged in error (a visit, a meeting): its reason and date, POSTed to
   *  `path` with the version shown; `done(changed)` takes the record as it is now. */
  function cancelForm(path, record, done) {
    return stepForm("撤销", [field(["reason", "撤销理由（如：重复录入、信息有误）", "textarea", 2000]),
      dateField("on", "撤销日期")], path, function (form) { return readFields(form, { version: record.version }); }, done);
  }

  /** The buttons of a record's steps ([name, make() → the step's form, or nothing for a step
   *  done elsewhere]) and where their forms open, one at a time: [buttons, forms] (buttons null
   *  when there are none). */
  function steps(list) {
    if (Office.viewing) list = [];  // (a viewer takes no step)
    var buttons = h("div", { class: "actions" }), forms = h("div", {});
    list.forEach(function (step) {
      buttons.appendChild(h("button", { type: "button", class: "button ghost", onclick: function () {
        forms.textContent = "";
        var form = step[1]();
        if (!form) return;  // (a step done elsewhere on the page)
        forms.appendChild(form);
        form.querySelector("input, select, textarea").focus();
      } }, step[0]));
    });
    return [list.length ? buttons : null, forms];
  }

  /** The list of the page's paged_list (macro), shown a page at a time. `list`: the element's id;
   *  `path`: the API's list (or a function giving it); `filters()`: its query ({name: value}, empty
   *  values left out); `render(item)`: a card; `noun`: what is counted with its measure word
   *  ("个问题": "共 12 个问题，第 1–12 个"); `prepare(items)`, if given: a promise of what the cards
   *  need beyond the items (names to look up). Returns `load(first)`, which shows the page (the
   *  first page when `first`). */
  function pagedList(options) {
    var page = 1, size = 20, path = options.path;
    function load(first) {
      if (first === true) page = 1;
      var query = new URLSearchParams({ page_size: size, page: page }), given = options.filters();
      Object.keys(given).forEach(function (name) { if (given[name] !== "" && given[name] != null) query.set(name, given[name]); });
      $("list-error").hidden = true;
      return api("GET", (typeof path === "function" ? path() : path) + "?" + query.toString())
        .then(function (data) {
          return options.prepare ? options.prepare(data.items).then(function () { return data; }) : data;
        })
        .then(function (data) {
          var list = $(options.list), start = (page - 1) * size + 1, noun = options.noun;
          list.textContent = "";
          data.items.forEach(function (item) { list.appendChild(options.render(item)); });
          $("summary").textContent = data.total ? "共 " + data.total + " " + noun + "，第 " + start + "–" +
            (start + data.items.length - 1) + " " + noun.charAt(0) : "没有符合条件的" + noun.slice(1) + "。";
          $("previous").disabled = page <= 1;
          $("next").disabled = page * size >= data.total;
        }, listError);
    }
    $("previous").addEventListener("click", function () { page -= 1; load(); });
    $("next").addEventListener("click", function () { page += 1; load(); });
    return load;
  }

  /** The record a link names (`?<name>=<id>`, as the dashboard links to a problem or a campaign),
   *  or null. With one, the page's list shows it alone: no filters or pages, and a way back to the
   *  whole list ("只显示一个问题。查看全部问题"). */
  function linked(name, measure, noun) {
    var id = new URLSearchParams(window.location.search).get(name);
    if (!id) return null;
    $("filters").hidden = true;
    document.querySelector(".pager").hidden = true;
    $("summary").replaceChildren("只显示一" + measure + noun + "。", h("a", { href: window.location.pathname }, "查看全部" + noun));
    return id;
  }

  /** An ApiError of reading the page's list (or what its forms need), shown above the list. */
  function listError(error) {
    $("list-error").textContent = explain(error);
    $("list-error").hidden = false;
  }

  /** A page's form that records something new: its fields (data-name) POSTed to `path`, under one
   *  Idempotency-Key while the body stays the same. What the API refuses is shown in the form's
   *  `<id>-error` box and beside the fields; an answer goes to `done(answer)`, whose text is shown
   *  in `<id>-done`, and the form is ready for the next. The form's id is `<id>-form`; `read(form)`,
   *  if given, makes the body (a form with repeated rows), else its fields do. */
  function recordForm(id, path, done, read) {
    var form = $(id + "-form"), keyOf = window.Pages.submissionKeys();
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = read ? read(form) : readFields(form);
      button.disabled = true;
      $(id + "-done").hidden = true;
      api("POST", path, body, keyOf(body)).then(function (answer) {
        keyOf.forget();
        clearErrors(form);
        $(id + "-error").hidden = true;
        $(id + "-done").textContent = done(answer);
        $(id + "-done").hidden = false;
      }, function (error) {
        showError($(id + "-error"), form, error);
      }).then(function () { button.disabled = false; });
    });
  }

  /** Saves what `path` answers (a file the API gives only with the token: invitation codes) under
   *  `filename`, as the browser saves a download. */
  function download(path, filename) {
    return fetch(apiUrl(path), { headers: { Authorization: "Bearer " + token() } })
      .catch(function () { throw new ApiError(0, { error: { message: "网络连接失败，请检查网络后重试。" } }); })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return null; }).then(function (data) { throw new ApiError(response.status, data); });
        }
        return response.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob), link = h("a", { href: url, download: filename, hidden: true });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      });
  }

  /** An amount of yuan as the API writes it ("12000.50"), for reading: "¥12,000.50". */
  function yuan(amount) {
    var parts = String(amount).split(".");
    return "¥" + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (parts.length > 1 ? "." + parts[1] : "");
  }

  /** `select` filled with `records` ({id, name}) after `blank`. */
  function choices(select, records, blank) {
    select.textContent = "";
    select.appendChild(h("option", { value: "" }, blank));
    records.forEach(function (r) { select.appendChild(h("option", { value: r.id }, r.name)); });
    return select;
  }

  /** The regions of the caller's jurisdiction into `select`, the caller's own chosen. */
  function regionChoices(select, claims) {
    select.textContent = "";
    jurisdiction(claims.region || "").forEach(function (r) {
      select.appendChild(h("option", { value: r.code, selected: r.code === claims.region }, r.name + "（" + r.code + "）"));
    });
  }

  /** What a person is told of an ApiError, in Chinese where the status says enough. */
  function explain(error) {
    if (error.status === 403) return "您的访问令牌无权进行此操作（需要本辖区联络员或管理员令牌）。" + suffix(error);
    if (error.status === 409 && error.code === "version_conflict") return "该记录刚被他人修改，请刷新后重试。";
    if (error.status === 422 && Object.keys(error.fields).length) return "请修改下列标出的内容后再提交。";
    if (error.status >= 500) return "服务暂时不可用，本次未保存，请稍后重试。" + suffix(error);
    return say(error.message, false);
  }

  function suffix(error) { return error.message ? "（" + error.message + "）" : ""; }

  // --- errors beside the fields ------------------------------------------------------------------

  /** Clear every shown error under `root`. */
  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    root.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    root.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
  }

  /** Show each of the API's field errors beside the element whose data-field is that field (or the
   *  nearest named parent: "funds.0.amount_yuan", then "funds.0", then "funds"). Returns the fields
   *  no element claimed, for the summary. */
  function showFieldErrors(root, fields) {
    var unplaced = [];
    Object.keys(fields).forEach(function (name) {
      var path = name, holder = null;
      while (path && !holder) {
        holder = root.querySelector('[data-field="' + path + '"]');
        if (!holder) path = path.indexOf(".") < 0 ? "" : path.slice(0, path.lastIndexOf("."));
      }
      var message = holder && holder.querySelector(":scope > .field-error");
      if (!message) { unplaced.push(name + "：" + fields[name].map(function (m) { return say(m, false); }).join("")); return; }
      var list = holder.tagName === "FIELDSET";
      message.textContent = fields[name].map(function (m) { return say(m, list); }).join("");
      message.hidden = false;
      holder.classList.add("invalid");
      var input = holder.querySelector("input, select, textarea");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (!message.id) message.id = "error-" + Math.random().toString(36).slice(2);
        input.setAttribute("aria-describedby", message.id);
      }
    });
    return unplaced;
  }

  /** An ApiError shown in `box` (and beside its fields); the first invalid field gets the focus. */
  function showError(box, root, error) {
    clearErrors(root);
    var unplaced = showFieldErrors(root, error.fields);
    box.textContent = "";
    box.appendChild(h("p", {}, explain(error)));
    if (unplaced.length) box.appendChild(h("ul", {}, unplaced.map(function (u) { return h("li", {}, u); })));
    box.hidden = false;
    var first = root.querySelector('[aria-invalid="true"]');
    (first || box).focus();
  }

  // --- sign-in -----------------------------------------------------------------------------------

  var started = null, begun = null;  // the page's start, and the claims it was started with

  function signOut(message) {
    officeToken.forget();
    $("work").hidden = true;
    $("who").hidden = true;
    $("sign-in").hidden = false;
    $("token-input").value = "";
    var error = $("sign-in-error");
    error.textContent = message || "";
    error.hidden = !message;
    $("token-input").focus();
  }

  function signedIn() {
    var c = officeToken.claims();
    // A page starts once. Signed in again as the same office and role (a token expired while a
    // form was being filled in), it goes on where it was, the form as filled; as another, its
    // lists and forms (which hang on the jurisdiction and role) start afresh.
    if (begun && (c.region !== begun.region || c.role !== begun.role)) { window.location.reload(); return; }
    var region = (Office.regions[c.region] || {}).name || c.region || "";
    $("who-text").textContent = region + " · " + (ROLE_NAMES[c.role] || c.role || "");
    $("who").hidden = false;
    $("sign-in").hidden = true;
    $("work").hidden = false;
    // A viewer's token reads only: the page hides what writes (.writes, and the records' steps)
    // and says why, rather than offering forms the API would refuse.
    Office.viewing = c.role === "viewer";
    document.body.classList.toggle("viewing", Office.viewing);
    $("viewing").hidden = !Office.viewing;
    if (!begun) {
      begun = c;
      started(c);
    }
  }

  /** Boots the page: loads the code tables, then asks for a token (or uses the tab's), then calls
   *  `start(claims)`. */
  function boot(start) {
    started = start;
    fetch(apiUrl("office/terms.json")).then(function (r) { return r.json(); }).then(function (terms) {
      Office.terms = terms;
      terms.regions.forEach(function (r) { Office.regions[r.code] = r; });
      $("sign-out").addEventListener("click", function () { signOut(); });
      $("sign-in-form").addEventListener("submit", function (event) {
        event.preventDefault();
        if (!officeToken.keep($("token-input").value)) {
          $("sign-in-error").textContent = "这不是有效的访问令牌，请检查后重新输入。";
          $("sign-in-error").hidden = false;
          return;
        }
        signedIn();
      });
      if (token()) signedIn(); else signOut();
    }, function () {  // (the tables did not load; an error of the page's own still reaches the console)
      $("main").insertBefore(h("p", { class: "notice error", role: "alert" }, "页面未能加载，请检查网络后刷新。"),
                             $("main").firstChild);
    });
  }

  /** The regions of the caller's jurisdiction (theirs and those under it), in code order. */
  function jurisdiction(region) {
    var prefix = region.slice(2) === "0000" ? region.slice(0, 2) : region.slice(4) === "00" ? region.slice(0, 4) : region;
    return Object.keys(Office.regions).sort().filter(function (code) { return code.indexOf(prefix) === 0; })
      .map(function (code) { return Office.regions[code]; });
  }

  var Office = window.Office = {
    $: $, h: h, options: options, today: today, api: api, all: all, organs: organs, stepForm: stepForm,
    addRow: addRow, readRows: readRows, compact: compact, cancelForm: cancelForm, number: number, explain: explain, field: field, dateField: dateField, readFields: readFields,
    facts: facts, steps: steps, pagedList: pagedList, linked: linked, recordForm: recordForm, yuan: yuan, choices: choices,
    regionChoices: regionChoices, listError: listError, download: download, organName: organName, cadresIn: cadresIn,
    cadresOf: cadresOf, cadreName: cadreName, cadreChoices: cadreChoices,
    clearErrors: clearErrors, showError: showError, boot: boot, jurisdiction: jurisdiction,
    terms: null, regions: {},
    viewing: false  // signed in with a viewer's token (set at sign-in)
  };
})();
