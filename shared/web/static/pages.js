/*
 * 双万 · what the citizens' pages and the offices' forms share, served at /common/pages.js by
 * every service (window.Pages): building the DOM with createElement, never from HTML strings.
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

  window.Pages = { h: h, append: append };
})();
