// The trace graph: the case, its contacts and who they were found through. ECharts draws
// the labels on a canvas; nothing here builds HTML from data.
(function () {
  "use strict";
  var box = document.getElementById("trace-graph");
  if (!box || !window.echarts) { return; }
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var chart = window.echarts.init(box);
      chart.setOption({
        tooltip: { show: false },
        legend: [{ data: graph.categories.map(function (c) { return c.name; }) }],
        series: [{
          type: "graph",
          layout: "force",
          roam: true,
          draggable: true,
          force: { repulsion: 160, edgeLength: 90 },
          categories: graph.categories,
          data: graph.nodes.map(function (n) {
            return { id: n.id, name: n.name, category: n.category, symbolSize: n.category === 0 ? 28 : 16 };
          }),
          links: graph.links.map(function (l) {
            return { source: l.source, target: l.target, value: l.label + " " + l.at };
          }),
          label: { show: true, position: "right" },
          edgeLabel: { show: true, formatter: function (p) { return p.data.value; }, fontSize: 10 },
        }],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
