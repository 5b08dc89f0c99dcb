// The dashboard's charts, drawn by uPlot (third_party/uplot, the global `uPlot`). Each chart
// lives in a container element; redrawing one with the same series only replaces its data.

const PALETTE = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037"];
const HEIGHT = 220;
const charts = new WeakMap();  // container -> {key, plot}

export function colour(index) { return PALETTE[index % PALETTE.length]; }

function draw(container, key, options, data) {
  const existing = charts.get(container);
  if (existing && existing.key === key) {
    existing.plot.setData(data);
    return;
  }
  existing?.plot.destroy();
  const width = Math.max(container.clientWidth, 300);
  const plot = new uPlot({ width, height: HEIGHT, ...options }, data, container);
  charts.set(container, { key, plot });
}

// Lines over wall-clock time: `times` in seconds, one array of values per series (null: no value).
export function drawTimeSeries(container, series, times, values, { yLabel = "", yRange } = {}) {
  const options = {
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: colour(i), width: 2, spanGaps: false }))],
    axes: [{}, { label: yLabel, size: 60 }],
    scales: yRange ? { y: { range: yRange } } : {},
    legend: { show: true },
  };
  // A lone first point would make uPlot stretch the time axis over years: show the minute before it.
  const padded = times.length === 1;
  const data = padded ? [[times[0] - 60, times[0]], ...values.map((v) => [null, v[0]])] : [times, ...values];
  draw(container, `time:${series.map((s) => s.label).join(",")}`, options, data);
}

// precision@k (or any metric) by model version; the active model's point is ringed.
export function drawModelVersions(container, points, metricLabel) {
  const ids = points.map((p) => p.modelId);
  const values = points.map((p) => p.value);
  const active = points.map((p) => (p.active ? p.value : null));
  const low = Math.min(...ids);
  const high = Math.max(...ids);
  const options = {
    series: [
      { label: "model" },
      { label: metricLabel, stroke: colour(0), width: 2, points: { size: 7, fill: colour(0) } },
      { label: "active", stroke: colour(4), width: 0, paths: () => null,
        points: { show: true, size: 16, width: 3, stroke: colour(4), fill: "rgba(0,0,0,0)" } },
    ],
    scales: { x: { time: false, range: () => [low - 0.5, high + 0.5] }, y: { range: (u, min, max) => [0, Math.max(max * 1.15, 1e-6)] } },
    axes: [
      { splits: () => ids, values: (u, splits) => splits.map((id) => `#${id}`), label: "model (version)" },
      { label: metricLabel, size: 60 },
    ],
  };
  draw(container, `models:${metricLabel}`, options, [ids, values, active]);
}

// One bar per arm: its mean with the 95% interval as a whisker, the arm's name on the bar.
export function drawArmMeans(container, arms, metricLabel) {
  const xs = arms.map((_, i) => i);
  const lows = arms.map((a) => a.ciLow);
  const highs = arms.map((a) => a.ciHigh);
  const top = Math.max(...highs, ...arms.map((a) => a.mean), 0);
  const bottom = Math.min(...lows, 0);
  const whiskers = (u) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.strokeStyle = "#1d232a";
    ctx.fillStyle = "#1d232a";
    ctx.textAlign = "center";
    ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
    const cap = 8 * devicePixelRatio;
    arms.forEach((arm, i) => {
      const x = u.valToPos(i, "x", true);
      const yLow = u.valToPos(arm.ciLow, "y", true);
      const yHigh = u.valToPos(arm.ciHigh, "y", true);
      ctx.beginPath();
      ctx.moveTo(x, yLow); ctx.lineTo(x, yHigh);
      ctx.moveTo(x - cap, yLow); ctx.lineTo(x + cap, yLow);
      ctx.moveTo(x - cap, yHigh); ctx.lineTo(x + cap, yHigh);
      ctx.stroke();
      ctx.fillText(arm.name, x, yHigh - 6 * devicePixelRatio);
    });
    ctx.restore();
  };
  const options = {
    series: [
      { label: "arm" },
      { label: metricLabel, stroke: colour(0), fill: "rgba(21,101,192,0.35)", width: 1,
        paths: uPlot.paths.bars({ size: [0.5, 80] }), points: { show: false } },
    ],
    scales: { x: { time: false, range: () => [-0.5, arms.length - 0.5] },
      y: { range: () => [bottom, top * 1.2 + 1e-9] } },
    axes: [
      { splits: () => xs, values: (u, splits) => splits.map((i) => arms[i]?.name ?? "") },
      { label: metricLabel, size: 60 },
    ],
    legend: { show: false },
    hooks: { draw: [whiskers] },
  };
  draw(container, `arms:${arms.map((a) => a.name).join(",")}`, options, [xs, arms.map((a) => a.mean)]);
}

// The cumulative relative lift of each arm over control (in %), with its 95% band; `lines` is
// [{arm, points: [{time, lift, low, high}]}] with times in seconds.
export function drawLiftOverTime(container, lines) {
  const times = [...new Set(lines.flatMap((l) => l.points.map((p) => p.time)))].sort((a, b) => a - b);
  const column = (line, field) => {
    const byTime = new Map(line.points.map((p) => [p.time, p[field]]));
    return times.map((t) => (byTime.has(t) && byTime.get(t) !== null ? byTime.get(t) * 100 : null));
  };
  const series = [{}];
  const data = [times];
  const bands = [];
  lines.forEach((line, i) => {
    const first = series.length;
    series.push({ label: `${line.arm} lift %`, stroke: colour(i + 1), width: 2, spanGaps: true });
    series.push({ label: `${line.arm} 95% low`, stroke: colour(i + 1), width: 1, dash: [4, 4], spanGaps: true });
    series.push({ label: `${line.arm} 95% high`, stroke: colour(i + 1), width: 1, dash: [4, 4], spanGaps: true });
    data.push(column(line, "lift"), column(line, "low"), column(line, "high"));
    bands.push({ series: [first + 2, first + 1], fill: `${colour(i + 1)}33` });
  });
  const zeroLine = (u) => {
    const y = u.valToPos(0, "y", true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#5f6b76";
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  };
  const options = { series, bands, axes: [{}, { label: "lift over control (%)", size: 60 }], hooks: { draw: [zeroLine] } };
  draw(container, `lift:${lines.map((l) => l.arm).join(",")}`, options, data);
}
