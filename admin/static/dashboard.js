// Draws the dashboard's charts from the JSON block the server rendered (no inline script: strict CSP).
/* global Chart */
const data = JSON.parse(document.getElementById('dashboard-data').textContent);
const labels = data.days.map((d) => d.day.slice(5));
const col = { student: '#2f855a', teacher: '#b7791f', other: '#a0aec0', up: '#2b6cb0', down: '#c53030', p95: '#805ad5' };
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

function draw(id, config) {
  new Chart(document.getElementById(id), config);
}
const series = (key) => data.days.map((d) => d[key]);
const percentAxis = { min: 0, max: 1, ticks: { callback: (v) => `${Math.round(v * 100)}%` } };

draw('chart-questions', {
  type: 'bar',
  data: {
    labels,
    datasets: [
      { label: 'student', data: series('student'), backgroundColor: col.student, stack: 'q' },
      { label: 'teacher', data: series('teacher'), backgroundColor: col.teacher, stack: 'q' },
      { label: 'unanswered', data: series('unanswered'), backgroundColor: col.other, stack: 'q' },
    ],
  },
  options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
});
draw('chart-fallback', {
  type: 'line',
  data: { labels, datasets: [{ label: 'fallback rate', data: series('fallbackRate'), borderColor: col.teacher, spanGaps: true }] },
  options: { scales: { y: percentAxis } },
});
draw('chart-feedback', {
  type: 'bar',
  data: { labels, datasets: [{ label: 'thumbs up', data: series('up'), backgroundColor: col.up }, { label: 'thumbs down', data: series('down'), backgroundColor: col.down }] },
  options: { scales: { y: { beginAtZero: true } } },
});
const seconds = (key) => data.days.map((d) => (d[key] === null ? null : d[key] / 1000));
draw('chart-latency', {
  type: 'line',
  data: { labels, datasets: [{ label: 'p50', data: seconds('p50'), borderColor: col.student, spanGaps: true }, { label: 'p95', data: seconds('p95'), borderColor: col.p95, spanGaps: true }] },
  options: { scales: { y: { beginAtZero: true } } },
});
draw('chart-accuracy', {
  type: 'line',
  data: { labels, datasets: [{ label: 'agreement with the teacher', data: series('accuracy'), borderColor: col.student, spanGaps: true }] },
  options: { scales: { y: percentAxis } },
});

// Versions on a time axis (milliseconds, formatted as dates) in one lane per status.
const lanes = ['candidate', 'promoted', 'rejected', 'rolled_back'];
const laneColor = { candidate: col.other, promoted: col.student, rejected: col.down, rolled_back: col.teacher };
draw('chart-versions', {
  type: 'scatter',
  data: {
    datasets: lanes.map((status) => ({
      label: status,
      backgroundColor: laneColor[status],
      pointRadius: 6,
      data: data.versions.filter((v) => v.status === status).map((v) => ({ x: Date.parse(v.promotedAt ?? v.createdAt), y: lanes.indexOf(status), version: v.version })),
    })),
  },
  options: {
    scales: {
      x: { type: 'linear', ticks: { callback: (v) => new Date(v).toISOString().slice(5, 10) } },
      y: { min: -1, max: lanes.length, ticks: { stepSize: 1, callback: (v) => lanes[v] ?? '' } },
    },
    plugins: { tooltip: { callbacks: { label: (c) => `${c.raw.version} (${c.dataset.label}) ${new Date(c.raw.x).toISOString().slice(0, 16)}` } } },
  },
});
document.body.dataset.chartsReady = 'true';
