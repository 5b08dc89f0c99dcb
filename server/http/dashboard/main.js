// The operator dashboard: refreshes every section every few seconds (?every=SECONDS, default 5)
// from the server's own routes. body[data-state] says where the page is ("loading", "ready",
// "token": waiting for the admin token, "failed": a section could not be refreshed) and
// body[data-refreshes] how many refreshes have completed.
import { adoptTokenFromAddress, forgetToken, getJson, getText, hasToken, setToken } from "./admin_api.js";
import { drawTimeSeries } from "./charts.js";
import { cell, element, formatNumber, numberCell, showSectionError } from "./dom.js";
import { refreshExperiments } from "./experiments_view.js";
import { renderJobs } from "./jobs_view.js";
import { renderModels } from "./models_view.js";
import { parsePrometheusText } from "./prometheus_text.js";
import { snapshotOf, TrafficHistory } from "./traffic.js";

const every = Math.min(Math.max(Number(new URLSearchParams(location.search).get("every")) || 5, 1), 3600);
const traffic = new TrafficHistory();
const sections = {
  traffic: document.getElementById("traffic"),
  models: document.getElementById("models"),
  jobs: document.getElementById("jobs"),
  experiments: document.getElementById("experiments"),
};
let timer = null;

async function refreshTraffic(section) {
  const snapshot = snapshotOf(parsePrometheusText(await getText("metrics")), Date.now() / 1000);
  traffic.add(snapshot);
  const interval = traffic.latestInterval();
  const stat = (id, value, data) => {
    const node = document.getElementById(id);
    node.querySelector(".value").textContent = value;
    Object.assign(node.dataset, data);
  };
  const cache = snapshot.cache;
  const lookups = cache.hits + cache.misses;
  stat("request-rate", interval?.requestRate == null ? "–" : formatNumber(interval.requestRate, 1),
    { value: interval?.requestRate ?? "", servedRequests: snapshot.served.requests });
  stat("latency-p99", interval?.p99 == null ? "–" : formatNumber(interval.p99 * 1000, 2), { value: interval?.p99 ?? "" });
  stat("cache-hit-rate", lookups > 0 ? `${formatNumber((cache.hits / lookups) * 100, 1)}%` : "–",
    { hits: cache.hits, misses: cache.misses, value: lookups > 0 ? cache.hits / lookups : "" });
  stat("active-model", snapshot.activeModelId ? `#${snapshot.activeModelId}` : "none", { value: snapshot.activeModelId ?? 0 });

  const rows = [...snapshot.routes.values()]
    .sort((a, b) => b.requests - a.requests || a.method.localeCompare(b.method))
    .map((r) => element("tr", { dataset: { transport: r.transport, route: r.method, requests: r.requests, errors: r.errors } }, [
      cell(r.transport), cell(r.method), numberCell(r.requests, 0), numberCell(r.errors, 0),
      numberCell(r.durationCount > 0 ? (r.durationSum / r.durationCount) * 1000 : null, 2),
    ]));
  section.querySelector("#requests-table tbody").replaceChildren(...rows);

  const intervals = traffic.intervals;
  const times = intervals.map((i) => i.time);
  const ms = (seconds) => (seconds == null ? null : seconds * 1000);
  drawTimeSeries(document.getElementById("rate-chart"), [{ label: "requests/s" }, { label: "errors/s" }], times,
    [intervals.map((i) => i.requestRate), intervals.map((i) => i.errorRate)], { yLabel: "per second" });
  drawTimeSeries(document.getElementById("latency-chart"), [{ label: "p50 ms" }, { label: "p99 ms" }], times,
    [intervals.map((i) => ms(i.p50)), intervals.map((i) => ms(i.p99))], { yLabel: "ms" });
  drawTimeSeries(document.getElementById("cache-chart"), [{ label: "hit rate %" }], times,
    [intervals.map((i) => (i.cacheHitRate == null ? null : i.cacheHitRate * 100))], { yLabel: "%", yRange: [0, 100] });
}

const refreshers = {
  traffic: refreshTraffic,
  models: async (section) => renderModels(section, await getJson("admin/models")),
  jobs: async (section) => renderJobs(section, await getJson("admin/jobs?limit=50")),
  experiments: refreshExperiments,
};

function askForToken(reason) {
  const form = document.getElementById("token-form");
  document.getElementById("token-reason").textContent = reason;
  form.hidden = false;
  document.body.dataset.state = "token";
  document.getElementById("status").textContent = "waiting for the admin token";
}

async function refresh() {
  clearTimeout(timer);
  const names = Object.keys(refreshers);
  const outcomes = await Promise.allSettled(names.map((name) => refreshers[name](sections[name])));
  let needsToken = null;
  let failed = 0;
  outcomes.forEach((outcome, i) => {
    const section = sections[names[i]];
    if (outcome.status === "fulfilled") {
      showSectionError(section, null);
    } else if (outcome.reason?.needsToken) {
      needsToken = outcome.reason;
    } else {
      failed++;
      showSectionError(section, String(outcome.reason?.message ?? outcome.reason));
      // An unexpected failure (a 5xx, a malformed answer, a bug here) is also a console error.
      console.error(`dashboard: ${names[i]}:`, outcome.reason);
    }
  });
  const status = document.getElementById("status");
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes) + 1);
  if (needsToken) {
    askForToken(needsToken.status === 401 && !hasToken()
      ? "This server has an admin token: enter it to see its models, jobs and experiments."
      : `The server refused the token (${needsToken.message}): enter the right one.`);
    return;  // until a token is given
  }
  document.getElementById("token-form").hidden = true;
  document.getElementById("forget-token").hidden = !hasToken();
  document.body.dataset.state = failed > 0 ? "failed" : "ready";
  status.classList.toggle("failed", failed > 0);
  status.textContent = `${failed > 0 ? `${failed} section(s) failed; ` : ""}updated ${new Date().toLocaleTimeString()}, every ${every} s`;
  timer = setTimeout(refresh, every * 1000);
}

document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("token-input");
  setToken(input.value);
  input.value = "";
  refresh();
});
document.getElementById("forget-token").addEventListener("click", () => {
  forgetToken();
  refresh();
});

adoptTokenFromAddress();
refresh();
