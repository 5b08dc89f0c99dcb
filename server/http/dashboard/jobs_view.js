// Training jobs, newest first, with their state and progress (epoch i of n).
import { cell, element, formatTime, showEmpty } from "./dom.js";

export function renderJobs(section, answer) {
  const jobs = answer.jobs ?? [];
  showEmpty(section, jobs.length === 0);
  const rows = jobs.map((job) => {
    const epochs = job.epochs ?? 0;
    const epoch = job.epoch ?? 0;
    const row = element("tr", { dataset: { jobId: job.id, status: job.status, epoch, epochs } });
    const progress = element("td", {}, [
      element("progress", { attributes: { max: Math.max(epochs, 1), value: job.status === "SUCCEEDED" ? Math.max(epochs, 1) : epoch } }),
      ` ${epochs > 0 ? `epoch ${epoch} of ${epochs}` : ""}`,
    ]);
    row.append(cell(`#${job.id}`), cell(job.params?.kind ?? ""), cell(job.trigger ?? ""), cell(job.status),
      progress, cell(formatTime(job.createdAt)), cell(formatTime(job.scheduledAt)), cell(formatTime(job.finishedAt)),
      cell(job.modelId && job.modelId !== "0" ? `#${job.modelId}` : ""), cell(job.error ?? "", "message"));
    return row;
  });
  section.querySelector("#jobs-table tbody").replaceChildren(...rows);
}
