/*
 * 双万 · what the citizens' pages and the offices' forms share, served at /common/pages.js by
 * every service (window.Pages): building the DOM with createElement, never from HTML strings;
 * the API's address; the Idempotency-Keys of submissions; the office token the dashboard and the
 * offices' forms keep.
 */
(function () {
  "use strict";

  /** h("p", {class: "x"}, "text", child…): an element; attributes starting with "on" are listeners. */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key.slice(0, 2) === "on" && typeof value === "function") {
        el.addEventListener(key.slice(2), value);
      } else if (key === "class") {
        el.className = value;
      } else if (key === "text") {
        el.textContent = value;
      } else if (key === "value") {
        el.value = value;
      } else if (key === "checked") {
        el.checked = true;
      } else {
        el.setAttribute(key, value === true ? "" : String(value));
      }
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  /** Appends a child, a string (as text) or a list of them; null, undefined and false are nothing. */
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  /** `path` against the page's API base (its body's data-api, relative to the page). */
  function apiUrl(path) {
    var base = document.body.getAttribute("data-api") || "/";
    return new URL(path, new URL(base, window.location.href)).toString();
  }

  /** A new Idempotency-Key: made once per submission, and sent again with it after a network
   *  failure, so that a submission that did arrive is answered as it was, not recorded twice. */
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // (randomUUID needs a secure context; offices may serve plain http)
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /** The Idempotency-Key of a form's submissions: the same while the body is the same, a new one
   *  when the person changed something before sending again (the service refuses a key sent with
   *  another body). `keyOf.forget()` once a submission is taken, where the same form is filled in
   *  again for another record (two paper questionnaires may well be answered alike). */
  function submissionKeys() {
    var sent = null, key = null;
    function keyOf(body) {
      var text = JSON.stringify(body);
      if (text !== sent) {
        sent = text;
        key = newKey();
      }
      return key;
    }
    keyOf.forget = function () { sent = null; };
    return keyOf;
  }

  // --- the office token (the dashboard and the offices' forms) -----------------------------------

  // Kept in the tab's sessionStorage, never in a URL, under one key: behind one address (a
  // reverse proxy) one sign-in in a tab serves the dashboard and every office page.
  var TOKEN_KEY = "shuangwan.token";

  /** The claims a JWT carries (not checked: the services check it), or null if it is none. */
  function claimsOf(jwt) {
    try {
      var part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var binary = atob(part + "===".slice((part.length + 3) % 4));
      var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      return null;
    }
  }

  var officeToken = {
    get: function () { return sessionStorage.getItem(TOKEN_KEY); },
    /** The kept token's claims ({} when there is none or it cannot be read). */
    claims: function () { return claimsOf(officeToken.get() || "") || {}; },
    /** Keeps what a person pasted (the token, or "Bearer" and the token) if it reads as a token;
     *  whether it did. */
    keep: function (pasted) {
      var value = pasted.trim().replace(/^Bearer\s+/i, "");
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(value) || !claimsOf(value)) return false;
      sessionStorage.setItem(TOKEN_KEY, value);
      return true;
    },
    forget: function () { sessionStorage.removeItem(TOKEN_KEY); }
  };

  window.Pages = { h: h, append: append, apiUrl: apiUrl, submissionKeys: submissionKeys, officeToken: officeToken };
})();
