// The dashboard's charts, drawn with the inlined ECharts from the JSON block the page embeds.
// Tables and headline figures are already in the HTML; this only adds the charts. Text from the data
// (region and station names) reaches ECharts only, whose tooltips render as canvas text (richText), never HTML.
(function () {
  'use strict';

  var root = document.documentElement;
  function fail(message) {
    var notice = document.getElementById('chart-notice');
    if (notice) {
      notice.textContent = message;
      notice.hidden = false;
    }
  }

  if (typeof echarts === 'undefined') {
    fail('图表库未加载，图表无法显示。 The charting library did not load; charts are not shown.');
    root.setAttribute('data-ready', 'failed');
    return;
  }

  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var months = data.trends.months;
  var totals = data.trends.totals;
  var font = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif';
  var palette = ['#0b6bcb', '#1a7f37', '#bf8700', '#8250df', '#cf222e', '#1b7c83', '#6e7781', '#e16f24'];

  function percent(values) {
    return values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; });
  }

  function base(extra) {
    var option = {
      animation: false,
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { top: 0 },
      grid: { left: 64, right: 64, top: 72, bottom: 32 },
      xAxis: { type: 'category', data: months }
    };
    Object.keys(extra).forEach(function (key) { option[key] = extra[key]; });
    return option;
  }

  // Rates sit close together near the top: start the axis just below the lowest value, not at 0.
  var percentAxis = {
    type: 'value',
    max: 100,
    min: function (extent) { return Math.max(0, Math.floor(extent.min / 10) * 10 - 10); },
    axisLabel: { formatter: '{value}%' }
  };
  function line(name, values, axis) {
    return { name: name, type: 'line', data: values, yAxisIndex: axis || 0, connectNulls: false, symbolSize: 6 };
  }
  function bar(name, values, axis) {
    return { name: name, type: 'bar', data: values, yAxisIndex: axis || 0, barMaxWidth: 36 };
  }

  var charts = [];
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: 'canvas' });
    chart.setOption(option);
    charts.push(chart);
  }

  draw('chart-rates', base({
    yAxis: percentAxis,
    series: [
      line('报送率 Reporting rate', percent(totals.reporting_rate)),
      line('按时率 On-time rate', percent(totals.on_time_rate)),
      line('走访覆盖率 Visit coverage', percent(totals.village_visit_coverage)),
      line('持证占比 Certified share', percent(totals.certified_share)),
      line('经费执行率 Spend rate', percent(totals.spend_rate))
    ]
  }));

  draw('chart-volumes', base({
    yAxis: [{ type: 'value', name: '人次 people-times' }, { type: 'value', name: '来电 calls' }],
    series: [
      bar('服务人次 People served', totals.services_people_served),
      bar('走访居民 Resident visits', totals.resident_visits),
      line('热线来电 Hotline calls', totals.hotline_calls, 1)
    ]
  }));

  draw('chart-funds', base({
    yAxis: [{ type: 'value', name: '元 yuan' }, percentAxis],
    series: [
      bar('到位 Received', totals.funds_received),
      bar('支出 Spent', totals.funds_spent),
      line('执行率 Spend rate', percent(totals.spend_rate), 1)
    ]
  }));

  draw('chart-cities', base({
    yAxis: percentAxis,
    series: data.trends.city_reporting_rates.map(function (city) { return line(city.name, percent(city.values)); })
  }));

  var ranked = data.ranking
    .filter(function (d) { return d.people_per_station !== null; })
    .sort(function (a, b) { return b.people_per_station - a.people_per_station; })
    .slice(0, 15)
    .reverse();
  draw('chart-ranking', {
    animation: false,
    color: palette,
    textStyle: { fontFamily: font },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText' },
    grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: 'value', name: '人次/站' },
    yAxis: { type: 'category', data: ranked.map(function (d) { return d.city_name + ' ' + d.name; }) },
    series: [{
      name: '每站服务人次 People served per station',
      type: 'bar',
      data: ranked.map(function (d) { return Math.round(d.people_per_station); }),
      label: { show: true, position: 'right' }
    }]
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  window.dashboardCharts = charts;
  root.setAttribute('data-ready', 'true');
})();
