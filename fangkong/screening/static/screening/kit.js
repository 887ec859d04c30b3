/* Small DOM and text helpers shared by the officer app's scripts. */
(function () {
  'use strict';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function field(label, input) {
    return el('label', { className: 'field' }, [el('span', { text: label }), input]);
  }

  /* Fills "%(name)s" as the translated strings (Python's format) have it. */
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] !== undefined ? String(values[key]) : '';
    });
  }

  /* 张三丰 → 张*丰, as fangkong.lib.mask does. */
  function maskName(name) {
    if (!name) return '';
    var chars = Array.from(name);
    if (chars.length === 1) return '*';
    if (chars.length === 2) return chars[0] + '*';
    return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
  }

  function timeText(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function toast(text, kind) {
    var box = document.getElementById('toast');
    box.textContent = text;
    box.className = 'toast ' + (kind || '');
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 4000);
    if (!toast.listening) {
      // The officer moving on (a tap anywhere, a scroll) takes the message away at once.
      var hide = function () { box.hidden = true; };
      document.addEventListener('pointerdown', hide, true);
      window.addEventListener('scroll', hide, { passive: true });
      toast.listening = true;
    }
  }

  window.FangkongKit = { el: el, field: field, fmt: fmt, maskName: maskName, timeText: timeText, toast: toast };
})();
