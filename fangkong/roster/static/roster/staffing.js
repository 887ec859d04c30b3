// The staffing page's chart: hourly forecast (bars) and the lanes Erlang C needs (line).
(function () {
  var node = document.getElementById("staffing-chart");
  var data = JSON.parse(document.getElementById("staffing-data").textContent);
  if (!node || typeof echarts === "undefined") return;
  var chart = echarts.init(node);
  chart.setOption({
    tooltip: FangkongCharts.tooltip("axis"),
    legend: { data: [data.labels.arrivals, data.labels.servers] },
    xAxis: { type: "category", data: data.hours },
    yAxis: [{ type: "value", name: data.labels.arrivals }, { type: "value", name: data.labels.servers, minInterval: 1 }],
    series: [
      { name: data.labels.arrivals, type: "bar", data: data.arrivals },
      { name: data.labels.servers, type: "line", step: "middle", yAxisIndex: 1, data: data.servers }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
