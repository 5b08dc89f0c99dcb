// Prometheus text exposition format 0.0.4 -> samples. Only what the dashboard reads: sample lines
// `name{label="value",...} value [timestamp]`; comments (# HELP, # TYPE) are skipped.

function parseLabels(text, start, line) {
  const labels = {};
  let i = start;  // just after '{'
  for (;;) {
    while (text[i] === " " || text[i] === ",") i++;
    if (text[i] === "}") return { labels, end: i + 1 };
    const equals = text.indexOf("=", i);
    if (equals < 0 || text[equals + 1] !== '"') throw new Error(`metrics line ${line}: malformed labels`);
    const name = text.slice(i, equals).trim();
    let value = "";
    i = equals + 2;
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === "\\") {
        i++;
        value += text[i] === "n" ? "\n" : text[i];
      } else {
        value += text[i];
      }
    }
    if (i >= text.length) throw new Error(`metrics line ${line}: unterminated label value`);
    labels[name] = value;
    i++;
  }
}

function parseValue(text, line) {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new Error(`metrics line ${line}: '${text}' is not a number`);
  return value;
}

// [{name, labels: {label: value}, value}] in the order of the text.
export function parsePrometheusText(text) {
  const samples = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const nameEnd = line.search(/[{\s]/);
    if (nameEnd < 0) throw new Error(`metrics line ${index + 1}: no value`);
    const name = line.slice(0, nameEnd);
    let labels = {};
    let rest = nameEnd;
    if (line[nameEnd] === "{") ({ labels, end: rest } = parseLabels(line, nameEnd + 1, index + 1));
    const [value] = line.slice(rest).trim().split(/\s+/);
    samples.push({ name, labels, value: parseValue(value, index + 1) });
  });
  return samples;
}
