// The server's request, latency and cache counters (from /metrics) as snapshots, and the rates
// between consecutive snapshots.

// Routes left out of the served traffic: the scrape, the health probe, and what this page polls
// (counting them would show the dashboard's own load as traffic).
const OWN_ROUTES = new Set(["Metrics", "Health", "Dashboard", "DashboardFile", "ListModels", "ListJobs",
  "ListExperiments", "GetExperimentReport"]);
const HISTORY_LENGTH = 360;

function emptyCounts() { return { requests: 0, errors: 0, durationSum: 0, durationCount: 0 }; }

// One scrape's counters: per route (transport + method), the served total with its latency
// histogram, the cache lookups, and the model serving.
export function snapshotOf(samples, time) {
  const routes = new Map();
  const served = { ...emptyCounts(), buckets: new Map() };
  const cache = { hits: 0, misses: 0, errors: 0 };
  let activeModelId = null;
  const route = (labels) => {
    const key = `${labels.transport} ${labels.method}`;
    if (!routes.has(key)) routes.set(key, { transport: labels.transport, method: labels.method, ...emptyCounts() });
    return routes.get(key);
  };
  for (const { name, labels, value } of samples) {
    const own = OWN_ROUTES.has(labels.method);
    if (name === "vitrina_requests_total") {
      const counts = route(labels);
      counts.requests += value;
      if (labels.code !== "OK") counts.errors += value;
      if (!own) {
        served.requests += value;
        if (labels.code !== "OK") served.errors += value;
      }
    } else if (name === "vitrina_request_duration_seconds_sum") {
      route(labels).durationSum += value;
      if (!own) served.durationSum += value;
    } else if (name === "vitrina_request_duration_seconds_count") {
      route(labels).durationCount += value;
      if (!own) served.durationCount += value;
    } else if (name === "vitrina_request_duration_seconds_bucket" && !own) {
      const le = labels.le === "+Inf" ? Infinity : Number(labels.le);
      served.buckets.set(le, (served.buckets.get(le) || 0) + value);
    } else if (name === "vitrina_cache_requests_total") {
      if (labels.result === "hit") cache.hits += value;
      else if (labels.result === "miss") cache.misses += value;
      else if (labels.result === "error") cache.errors += value;
    } else if (name === "vitrina_active_model_id") {
      activeModelId = value;
    }
  }
  return { time, routes, served, cache, activeModelId };
}

// A counter's increase; after a restart (the counter went down) its whole current value.
function increase(now, before) { return now >= before ? now - before : now; }

// The q-quantile of the observations a cumulative histogram's increase holds, interpolated within
// its bucket as Prometheus' histogram_quantile does; null without observations.
export function histogramQuantile(q, bucketsNow, bucketsBefore) {
  const bounds = [...bucketsNow.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => increase(bucketsNow.get(le), bucketsBefore?.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) return i > 0 ? bounds[i - 1] : null;
      const lower = i > 0 ? bounds[i - 1] : 0;
      const below = i > 0 ? counts[i - 1] : 0;
      const inBucket = counts[i] - below;
      return inBucket > 0 ? lower + (bounds[i] - lower) * ((rank - below) / inBucket) : bounds[i];
    }
  }
  return null;
}

// Rates between two snapshots: requests/s, error share, latency p50/p99 and mean (seconds), cache
// hit rate (null when the interval had no lookups).
export function intervalBetween(before, now) {
  const seconds = now.time - before.time;
  const requests = increase(now.served.requests, before.served.requests);
  const hits = increase(now.cache.hits, before.cache.hits);
  const misses = increase(now.cache.misses, before.cache.misses);
  const count = increase(now.served.durationCount, before.served.durationCount);
  return {
    time: now.time,
    requestRate: seconds > 0 ? requests / seconds : null,
    errorRate: seconds > 0 ? increase(now.served.errors, before.served.errors) / seconds : null,
    p50: histogramQuantile(0.5, now.served.buckets, before.served.buckets),
    p99: histogramQuantile(0.99, now.served.buckets, before.served.buckets),
    mean: count > 0 ? increase(now.served.durationSum, before.served.durationSum) / count : null,
    cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : null,
  };
}

export class TrafficHistory {
  constructor() {
    this.snapshots = [];
    this.intervals = [];
  }

  add(snapshot) {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last) this.intervals.push(intervalBetween(last, snapshot));
    this.snapshots.push(snapshot);
    if (this.snapshots.length > HISTORY_LENGTH) this.snapshots.shift();
    if (this.intervals.length > HISTORY_LENGTH) this.intervals.shift();
  }

  latest() { return this.snapshots[this.snapshots.length - 1] ?? null; }
  latestInterval() { return this.intervals[this.intervals.length - 1] ?? null; }
}
