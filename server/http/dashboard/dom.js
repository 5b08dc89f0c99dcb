// Small DOM helpers. Text from the server always goes in as text nodes, never as HTML.

export function element(tag, { className, dataset, text, attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(dataset ?? {})) node.dataset[key] = String(value);
  for (const [key, value] of Object.entries(attributes ?? {})) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

export function cell(text, className) { return element("td", { className, text: text ?? "" }); }

export function numberCell(value, digits = 4) { return cell(formatNumber(value, digits), "number"); }

export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return Number(value).toFixed(digits);
}

// An RFC 3339 time from the API as local date and time; "" when unset.
export function formatTime(rfc3339) {
  if (!rfc3339) return "";
  const time = new Date(rfc3339);
  if (Number.isNaN(time.getTime())) return rfc3339;
  const pad = (n) => String(n).padStart(2, "0");
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ` +
    `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

// Shows `message` in the section's error line, or hides the line when it is null.
export function showSectionError(section, message) {
  const line = section.querySelector(":scope > .error");
  line.hidden = message === null;
  line.textContent = message ?? "";
}

export function showEmpty(section, empty) { section.querySelector(":scope > .empty").hidden = !empty; }
