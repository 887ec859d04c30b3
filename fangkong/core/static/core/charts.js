/* ECharts tooltips as DOM nodes. ECharts puts a formatter's string into the page as HTML, and
 * its own default tooltips carry inline style attributes, which the Content-Security-Policy
 * refuses; a node built here holds names only as text. `confine` keeps ECharts from adding
 * its arrow, which is inline-styled markup too. Plain ES2017. */
(function () {
  "use strict";

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  /* One line: the series' colour dot, its name and its value. */
  function line(colour, name, value) {
    const row = node("div", "chart-tip-row");
    const dot = node("span", "chart-tip-dot");
    // A property set through the style object is not an inline style attribute to the CSP.
    if (typeof colour === "string") dot.style.backgroundColor = colour;
    row.append(dot, node("span", "chart-tip-name", name), node("b", "chart-tip-value", value));
    return row;
  }

  function axisTooltip(params) {
    const list = Array.isArray(params) ? params : [params];
    const box = node("div", "chart-tip");
    if (list.length) box.append(node("div", "chart-tip-title", list[0].axisValueLabel));
    list.forEach((p) => box.append(line(p.color, p.seriesName, p.value)));
    return box;
  }

  function itemTooltip(p) {
    const value = p.percent === undefined ? p.value : p.value + " (" + p.percent + "%)";
    const box = node("div", "chart-tip");
    box.append(line(p.color, p.name, value));
    return box;
  }

  /* The `tooltip` option of a chart: `tooltip("axis")` or `tooltip("item")`. */
  function tooltip(trigger) {
    return { trigger: trigger, confine: true, formatter: trigger === "axis" ? axisTooltip : itemTooltip };
  }

  window.FangkongCharts = { tooltip: tooltip };
})();
