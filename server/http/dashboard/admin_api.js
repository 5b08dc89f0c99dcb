// The server's JSON routes, called with the operator's admin token.
//
// The token is kept in this tab's sessionStorage and sent as `Authorization: Bearer`, a header
// only this page's own script can attach (a cookie would ride along on other sites' requests).
// An address may carry it in its fragment (/dashboard#token=...): fragments never reach the
// server, its logs or a Referer, and the page moves it to sessionStorage and erases it from the
// address bar and history at once.

const TOKEN_KEY = "vitrina.adminToken";

export class ApiError extends Error {
  constructor(path, status, code, message) {
    super(`${path}: HTTP ${status}${code ? " " + code : ""}${message ? ": " + message : ""}`);
    this.path = path;
    this.status = status;
    this.code = code;
  }
  // 401 (no or wrong token) or 403: the operator has to give the token.
  get needsToken() { return this.status === 401 || this.status === 403; }
}

export function adoptTokenFromAddress() {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  if (token === null) return;
  setToken(token);
  fragment.delete("token");
  const rest = fragment.toString();
  history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
}

export function hasToken() { return sessionStorage.getItem(TOKEN_KEY) !== null; }
export function setToken(token) { sessionStorage.setItem(TOKEN_KEY, token); }
export function forgetToken() { sessionStorage.removeItem(TOKEN_KEY); }

async function call(path) {
  const headers = { "Accept": "application/json, text/plain" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = `Bearer ${token}`;
  // Relative to /dashboard, so the page also works behind a proxy that adds a path prefix.
  return fetch(path, { headers, cache: "no-store" });
}

async function failure(path, response) {
  let code = "";
  let message = "";
  try {
    const body = await response.json();
    code = body.code || "";
    message = body.message || "";
  } catch {
    message = response.statusText;
  }
  return new ApiError(path, response.status, code, message);
}

// The route's JSON answer; an ApiError for any status but 2xx. With `missingIsNull`, a 404 is an
// expected answer (a route this server does not have, an experiment without a report) and gives
// null instead.
export async function getJson(path, { missingIsNull = false } = {}) {
  const response = await call(path);
  if (missingIsNull && response.status === 404) return null;
  if (!response.ok) throw await failure(path, response);
  return response.json();
}

export async function getText(path) {
  const response = await call(path);
  if (!response.ok) throw await failure(path, response);
  return response.text();
}
