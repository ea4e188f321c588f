// The Lobby HTTP API (docs/api.md), as the signed-in agent.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/**
 * `getToken()`: the ID token to send (read at each call, so a renewed token is used at once; a string is
 * taken as a fixed token). On a 401, `renew()` (when given) is asked for a new token once and the call
 * is made once more; a second 401, or a renewal refused (`renew()` resolves to null), calls
 * `onUnauthorized()`. A renewal that fails otherwise (it throws: offline, Cognito busy) makes an offline
 * call (status 0), not a sign-out.
 */
export function createApi(baseUrl, getToken, onUnauthorized, renew = null) {
  const base = baseUrl.replace(/\/+$/, '');
  const tokenOf = typeof getToken === 'function' ? getToken : () => getToken;

  async function send(method, path, body, token) {
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(`${base}/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { message: '' });
    }
    const data = await response.json().catch(() => null);
    return { response, data };
  }

  async function call(method, path, body) {
    const sentWith = tokenOf();
    let { response, data } = await send(method, path, body, sentWith);
    if (response.status === 401 && renew) {
      let token;
      try {
        // Another call may have renewed it meanwhile: that token first, else a renewal.
        token = tokenOf() !== sentWith ? tokenOf() : await renew();
      } catch {
        throw new ApiError(0, { message: '' });
      }
      if (token) ({ response, data } = await send(method, path, body, token));
    }
    if (response.status === 401) {
      onUnauthorized();
      throw new ApiError(401, data);
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  const enc = encodeURIComponent;
  const hotelPath = (h) => `/hotels/${enc(h)}`;
  const convPath = (h, c) => `${hotelPath(h)}/conversations/${enc(c)}`;
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  const get = (path) => call('GET', path);
  const post = (path, body) => call('POST', path, body);

  return {
    // Generic calls, paths relative to /v1 (e.g. '/hotels/h1/replies'), for the settings screen and helpers.
    get,
    post,
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    del: (path) => call('DELETE', path),
    hotel: (h) => get(hotelPath(h)),
    inbox: (h) => get(`${hotelPath(h)}/inbox`),
    /** A tab's page; `assignee` "me" | "none" (or an agent id), `sort` "waiting" (Open only). */
    conversations: (h, tab, limit, cursor, { assignee, sort } = {}) =>
      get(`${hotelPath(h)}/conversations${query({ tab, limit, cursor, assignee, sort })}`),
    mentions: (h, cursor) => get(`${hotelPath(h)}/mentions${query({ cursor })}`),
    search: (h, q) => get(`${hotelPath(h)}/search${query({ q })}`),
    agents: (h) => get(`${hotelPath(h)}/agents`),
    replies: (h) => get(`${hotelPath(h)}/replies`),
    renderReply: (h, c, r) => post(`${convPath(h, c)}/replies/${enc(r)}/render`),
    conversation: (h, c) => get(convPath(h, c)),
    messages: (h, c, limit, cursor) => get(`${convPath(h, c)}/messages${query({ limit, cursor })}`),
    activity: (h, c, limit, cursor) => get(`${convPath(h, c)}/activity${query({ limit, cursor })}`),
    reply: (h, c, text, attachmentIds = []) =>
      post(`${convPath(h, c)}/messages`, attachmentIds.length ? { text, attachment_ids: attachmentIds } : { text }),
    note: (h, c, text, mentions = []) => post(`${convPath(h, c)}/notes`, mentions.length ? { text, mentions } : { text }),
    assign: (h, c, agentId) => post(`${convPath(h, c)}/assign`, { agent_id: agentId || null }),
    resume: (h, c) => post(`${convPath(h, c)}/resume`),
    read: (h, c) => post(`${convPath(h, c)}/read`),
    grantUpload: (h, c, file) => post(`${convPath(h, c)}/attachments`, file),
    channels: (h) => get(`${hotelPath(h)}/channels`),
    hold: (h, c, until) => post(`${convPath(h, c)}/hold`, { until }),
    action: (h, c, name) => post(`${convPath(h, c)}/${name}`),
  };
}
