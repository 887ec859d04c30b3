// The trace graph: the case, its contacts and who they were found through. ECharts draws
// the labels on a canvas; nothing here builds HTML from data.
(function () {
  "use strict";
  var LABELLED_NODES = 30;
  var box = document.getElementById("trace-graph");
  if (!box || !window.echarts) { return; }
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var chart = window.echarts.init(box);
      // Past a few dozen, every label at once is an unreadable blur: the names and the
      // reasons then show for the person under the pointer (or the finger) and their links.
      var few = graph.nodes.length <= LABELLED_NODES;
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
          label: { show: few, position: "right" },
          edgeLabel: { show: few, formatter: function (p) { return p.data.value; }, fontSize: 10 },
          emphasis: { focus: "adjacency", label: { show: true }, edgeLabel: { show: true } },
        }],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
