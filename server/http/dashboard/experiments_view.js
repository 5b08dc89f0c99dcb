// Experiments (GET /admin/experiments) with, per experiment, its arms and its report
// (GET /admin/experiments/{name}/report, a vitrina.v1.ExperimentReport): each arm's mean consumed
// per session with its 95% interval, the comparisons with control and the lift over time.
import { getJson } from "./admin_api.js";
import { drawArmMeans, drawLiftOverTime } from "./charts.js";
import { cell, element, formatNumber, formatTime, numberCell } from "./dom.js";

const METRIC = "consumed_per_session";
// A report is an analysis of the exposure log on the server: fetched at most once a minute per
// experiment, however often the page refreshes the list.
const REPORT_EVERY_MS = 60_000;
const reports = new Map();  // experiment name -> {at, promise}

// Fetches and renders every experiment; `null` from the list route means this server has no
// experiments API (404), which is shown as such, not as an error.
export async function refreshExperiments(section) {
  const answer = await getJson("admin/experiments", { missingIsNull: true });
  const experiments = answer?.experiments ?? [];
  const empty = section.querySelector("#experiments-empty");
  empty.hidden = experiments.length > 0;
  empty.dataset.reason = answer === null ? "no-api" : "none";
  empty.textContent = answer === null
    ? "No experiments: this server has no experiments API (GET /admin/experiments answered 404)."
    : "No experiments: none has been created.";
  for (const name of reports.keys()) {
    if (!experiments.some((experiment) => experiment.name === name)) reports.delete(name);
  }
  const fetched = await Promise.all(experiments.map((experiment) => latestReportOf(experiment.name)));
  const list = section.querySelector("#experiments-list");
  // Charts are drawn into cards already in the page, so that uPlot can measure their width.
  const cards = experiments.map((experiment) => experimentCard(experiment));
  list.replaceChildren(...cards);
  experiments.forEach((experiment, i) => renderReport(cards[i], fetched[i]));
}

function latestReportOf(name) {
  const cached = reports.get(name);
  if (cached && Date.now() - cached.at < REPORT_EVERY_MS) return cached.promise;
  const promise = reportOf(name);
  reports.set(name, { at: Date.now(), promise });
  // A refused token is asked for again at once, not a minute later.
  promise.catch(() => reports.delete(name));
  return promise;
}

async function reportOf(name) {
  try {
    return { report: await getJson(`admin/experiments/${encodeURIComponent(name)}/report`, { missingIsNull: true }) };
  } catch (error) {
    if (error.needsToken) throw error;
    return { error: error.message };
  }
}

function experimentCard(experiment) {
  const stopped = experiment.state === "STOPPED";
  const title = element("h3", { text: experiment.name }, [
    element("span", { className: stopped ? "badge stopped" : "badge", text: experiment.state ?? "" }),
  ]);
  const facts = element("p", {
    className: "hint",
    text: [`layer ${experiment.layer || "–"}`, `salt ${experiment.salt || "–"}`,
      `created ${formatTime(experiment.createdAt) || "–"}`,
      stopped ? `stopped ${formatTime(experiment.stoppedAt) || "–"}` : null].filter(Boolean).join(" · "),
  });
  const arms = (experiment.arms ?? []).map((arm, i) => element("tr", {
    dataset: { arm: arm.name, weight: arm.weight, modelId: arm.modelId ?? "0", policy: arm.policy ?? "", explore: arm.explore ?? "" },
  }, [
    cell(i === 0 ? `${arm.name} (control)` : arm.name), numberCell(arm.weight, 3),
    cell(!arm.modelId || arm.modelId === "0" ? "active" : `#${arm.modelId}`), cell(arm.policy ?? ""),
    cell(String(arm.explore ?? "")),
  ]));
  const armsTable = element("table", { className: "arms-table" }, [
    element("thead", {}, [element("tr", {}, ["arm", "weight", "model", "policy", "explore"].map((h) => element("th", { text: h })))]),
    element("tbody", {}, arms),
  ]);
  return element("article", { className: "experiment", dataset: { experiment: experiment.name, state: experiment.state ?? "" } },
    [title, facts, armsTable, element("div", { className: "report" })]);
}

function renderReport(card, { report, error }) {
  const place = card.querySelector(".report");
  if (error) {
    place.replaceChildren(element("p", { className: "error report-error", text: `No report: ${error}` }));
    return;
  }
  if (report === null) {
    place.replaceChildren(element("p", { className: "empty report-missing", text: "No report yet (no exposures logged)." }));
    return;
  }
  const arms = (report.arms ?? []).map((arm) => ({
    name: arm.arm, users: Number(arm.users ?? 0), sessions: Number(arm.sessions ?? 0),
    mean: arm.consumedPerSession?.mean ?? 0, ciLow: arm.consumedPerSession?.ciLow ?? 0, ciHigh: arm.consumedPerSession?.ciHigh ?? 0,
  }));
  const meansChart = element("div", { className: "chart arm-means-chart", dataset: { points: JSON.stringify(arms) } });
  const liftLines = liftLinesOf(report);
  const liftChart = element("div", { className: "chart lift-chart", dataset: { points: JSON.stringify(liftLines) } });
  const srm = report.sampleRatio ?? {};
  const srmLine = element("p", { className: "hint srm", dataset: { mismatch: Boolean(srm.mismatch), pValue: srm.pValue ?? "" } },
    [`sample ratio check: p = ${formatNumber(srm.pValue, 4)}`]);
  if (srm.mismatch) srmLine.append(element("span", { className: "badge flag", text: "sample ratio mismatch" }));
  place.replaceChildren(
    element("div", { className: "experiment-charts" }, [
      element("figure", {}, [element("figcaption", { text: "mean consumed per session, 95% interval" }), meansChart]),
      element("figure", {}, [element("figcaption", { text: "cumulative lift over control, 95% band" }), liftChart]),
    ]),
    comparisonsTable(report), srmLine);
  if (arms.length > 0) drawArmMeans(meansChart, arms, "consumed per session");
  if (liftLines.some((line) => line.points.length > 0)) drawLiftOverTime(liftChart, liftLines);
}

function liftLinesOf(report) {
  const byArm = new Map();
  for (const point of report.liftOverTime ?? []) {
    if (point.metric !== METRIC) continue;
    if (!byArm.has(point.arm)) byArm.set(point.arm, []);
    byArm.get(point.arm).push({
      time: Number(point.timeUnixMicros) / 1e6,
      lift: point.computable ? point.relativeLift : null,
      low: point.computable ? point.liftCiLow : null,
      high: point.computable ? point.liftCiHigh : null,
    });
  }
  return [...byArm].map(([arm, points]) => ({ arm, points: points.sort((a, b) => a.time - b.time) }));
}

function comparisonsTable(report) {
  const rows = (report.comparisons ?? []).filter((c) => c.metric === METRIC).map((c) => element("tr", {
    dataset: { arm: c.arm, relativeLift: c.relativeLift ?? "", pValue: c.pValue ?? "", significant: Boolean(c.significant) },
  }, [
    cell(c.arm), cell(c.control),
    c.computable ? cell(`${formatNumber(c.relativeLift * 100, 2)}%`, "number") : cell(c.note ?? "not computable"),
    c.computable ? cell(`${formatNumber(c.liftCiLow * 100, 2)}% … ${formatNumber(c.liftCiHigh * 100, 2)}%`) : cell(""),
    c.computable ? numberCell(c.pValue, 4) : cell(""), cell(c.significant ? "yes" : "no"),
  ]));
  return element("table", { className: "comparisons-table" }, [
    element("thead", {}, [element("tr", {}, ["arm", "control", "lift", "95% interval", "p", "significant"].map((h) => element("th", { text: h })))]),
    element("tbody", {}, rows),
  ]);
}
