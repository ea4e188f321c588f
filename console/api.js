// The Lobby HTTP API (docs/api.md), as the signed-in agent.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function createApi(baseUrl, token, onUnauthorized) {
  const base = baseUrl.replace(/\/+$/, '');

  async function call(method, path, body) {
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

  return {
    hotel: (h) => call('GET', hotelPath(h)),
    inbox: (h) => call('GET', `${hotelPath(h)}/inbox`),
    conversations: (h, tab, limit, cursor) =>
      call('GET', `${hotelPath(h)}/conversations${query({ tab, limit, cursor })}`),
    conversation: (h, c) => call('GET', convPath(h, c)),
    messages: (h, c, limit, cursor) => call('GET', `${convPath(h, c)}/messages${query({ limit, cursor })}`),
    activity: (h, c, limit, cursor) => call('GET', `${convPath(h, c)}/activity${query({ limit, cursor })}`),
    reply: (h, c, text, attachmentIds = []) =>
      call('POST', `${convPath(h, c)}/messages`, attachmentIds.length ? { text, attachment_ids: attachmentIds } : { text }),
    grantUpload: (h, c, file) => call('POST', `${convPath(h, c)}/attachments`, file),
    channels: (h) => call('GET', `${hotelPath(h)}/channels`),
    hold: (h, c, until) => call('POST', `${convPath(h, c)}/hold`, { until }),
    action: (h, c, name) => call('POST', `${convPath(h, c)}/${name}`),
  };
}
