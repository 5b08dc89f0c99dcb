// Models by version: a chart of the personal models' precision@k (the serving one ringed) and a
// table of every model with its metrics.
import { drawModelVersions } from "./charts.js";
import { cell, element, formatTime, numberCell, showEmpty } from "./dom.js";

const NEXT_TITLE = "next_title";

export function renderModels(section, answer) {
  const models = answer.models ?? [];
  const activeIds = new Set([answer.activeModelId, answer.activeNextTitleModelId].filter((id) => id && id !== "0"));
  showEmpty(section, models.length === 0);

  const rows = models.map((model) => {
    const metrics = model.metrics ?? {};
    const role = model.role || "personal";
    const active = activeIds.has(model.id);
    const row = element("tr", {
      className: active ? "active" : "",
      dataset: { modelId: model.id, role, active, precisionAtK: metrics.precisionAtK ?? "", k: metrics.k ?? "" },
    });
    const idCell = cell(`#${model.id}`);
    if (active) idCell.append(element("span", { className: "badge", text: "active" }));
    row.append(idCell, cell(role), cell(formatTime(model.createdAt)),
      numberCell(role === NEXT_TITLE ? null : metrics.precisionAtK), numberCell(role === NEXT_TITLE ? null : metrics.recallAtK),
      numberCell(role === NEXT_TITLE ? null : metrics.auc), numberCell(role === NEXT_TITLE ? metrics.hitRateAtK : null),
      numberCell(metrics.reciprocalRank), cell(model.nUsers ?? ""), cell(model.nTitles ?? ""),
      cell(model.jobId && model.jobId !== "0" ? `#${model.jobId}` : ""));
    return row;
  });
  section.querySelector("#models-table tbody").replaceChildren(...rows);

  const personal = models.filter((m) => (m.role || "personal") !== NEXT_TITLE)
    .sort((a, b) => Number(a.id) - Number(b.id));
  const chart = section.querySelector("#models-chart");
  const k = personal.find((m) => m.metrics?.k)?.metrics.k;
  const label = k ? `precision@${k}` : "precision@k";
  const points = personal.map((m) => ({
    modelId: m.id, precisionAtK: m.metrics?.precisionAtK ?? 0, active: m.id === answer.activeModelId,
  }));
  chart.dataset.points = JSON.stringify(points);
  chart.dataset.activeModelId = answer.activeModelId ?? "0";
  section.querySelector("#models-chart-caption").textContent =
    `${label} of the personal models by version (the serving one ringed)`;
  chart.hidden = points.length === 0;
  if (points.length > 0) {
    drawModelVersions(chart, points.map((p) => ({ modelId: Number(p.modelId), value: p.precisionAtK, active: p.active })), label);
  }
}
