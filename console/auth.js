// Sign-in with the Cognito user pool (USER_PASSWORD_AUTH); the ID token and the refresh token live in
// sessionStorage (this browser tab only). The ID token is renewed with the refresh token (REFRESH_TOKEN_AUTH)
// before it expires, so an agent stays signed in for a whole shift; the session ends only when Cognito
// refuses the refresh token or the agent signs out.

const TOKEN_KEY = 'lobby.idToken';
const REFRESH_KEY = 'lobby.refreshToken';
const EARLY_MAX_S = 300; // renew at most 5 minutes before expiry...
const EARLY_SHARE = 4; // ...and at most a quarter of the token's lifetime before it
const RETRY_FIRST_MS = 2000; // a renewal that failed for the network: again after 2 s, doubling...
const RETRY_MAX_MS = 60e3; // ...to a minute at most
const MIN_GAP_MS = 5000; // between two renewals that succeeded
// Cognito's answers that mean the refresh token will never work again (revoked, expired, user gone).
const REFUSALS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'refused']);

export class AuthError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

/** True when `error` says the refresh token is refused (sign in again), false for a passing failure. */
export const isRefusal = (error) => error instanceof AuthError && REFUSALS.has(error.code);

async function initiateAuth(config, flow, parameters) {
  let response;
  try {
    response = await fetch(config.cognito_endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({ AuthFlow: flow, ClientId: config.cognito_client_id, AuthParameters: parameters }),
    });
  } catch {
    throw new AuthError('network');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    // __type is "NotAuthorizedException" or "com.amazonaws...#NotAuthorizedException".
    const type = String(data.__type || '').split('#').pop();
    throw new AuthError(type || (response.status >= 500 ? 'network' : 'unknown'), data.message);
  }
  return data;
}

export async function signIn(config, username, password) {
  const data = await initiateAuth(config, 'USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password });
  if (data.ChallengeName) throw new AuthError('challenge', data.ChallengeName);
  const result = data.AuthenticationResult || {};
  if (!result.IdToken) throw new AuthError('unknown');
  stop();
  sessionStorage.setItem(TOKEN_KEY, result.IdToken);
  if (result.RefreshToken) sessionStorage.setItem(REFRESH_KEY, result.RefreshToken);
  else sessionStorage.removeItem(REFRESH_KEY);
  return result.IdToken;
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The ID token to send now (the latest renewed); null when signed out. */
export const currentToken = storedToken;

export const hasRefreshToken = () => !!sessionStorage.getItem(REFRESH_KEY);

export function signOut() {
  stop();
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
}

// ---------------------------------------------------------------------------------------------
// Renewal

let renewing = null; // the renewal under way: concurrent callers (the timer, several 401s) share it
let timer = null;
let keeper = null; // {config, onRenewed, onRefused} while a session keeps its token fresh
let retryMs = RETRY_FIRST_MS;

/** A new ID token from the refresh token (one InitiateAuth at a time); throws AuthError ("refused"/
 * NotAuthorizedException when the refresh token is refused, "network" when Cognito could not be reached). */
export function renew(config) {
  if (!renewing) {
    renewing = (async () => {
      const refreshToken = sessionStorage.getItem(REFRESH_KEY);
      if (!refreshToken) throw new AuthError('refused');
      const data = await initiateAuth(config, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: refreshToken });
      const result = data.AuthenticationResult || {};
      if (!result.IdToken) throw new AuthError('unknown');
      // Signed out (or in as someone else) meanwhile: the new token is not kept, and ends nothing.
      if (sessionStorage.getItem(REFRESH_KEY) !== refreshToken) throw new AuthError('stale');
      sessionStorage.setItem(TOKEN_KEY, result.IdToken);
      if (result.RefreshToken) sessionStorage.setItem(REFRESH_KEY, result.RefreshToken); // rotation, if enabled
      return result.IdToken;
    })().finally(() => { renewing = null; });
    renewing.then(renewed, failed);
  }
  return renewing;
}

/** When to renew `claims`' token: exp - min(300 s, (exp - iat) / 4), in epoch ms; null when unknown. */
export function renewalAt(claims) {
  if (!claims || typeof claims.exp !== 'number') return null;
  const lifetime = typeof claims.iat === 'number' ? Math.max(0, claims.exp - claims.iat) : EARLY_MAX_S * EARLY_SHARE;
  return (claims.exp - Math.min(EARLY_MAX_S, lifetime / EARLY_SHARE)) * 1000;
}

/** Keeps the stored ID token fresh until signOut(): `onRenewed(token)` after each renewal, `onRefused()`
 * once when the refresh token is refused. A renewal that fails for the network is retried with backoff. */
export function keepFresh(config, { onRenewed = () => {}, onRefused = () => {} } = {}) {
  stop();
  keeper = { config, onRenewed, onRefused };
  retryMs = RETRY_FIRST_MS;
  plan();
}

function stop() {
  clearTimeout(timer);
  timer = null;
  keeper = null;
}

function plan(delay, floor = 0) {
  clearTimeout(timer);
  if (!keeper) return;
  if (delay === undefined) {
    const at = renewalAt(claimsOf(storedToken()));
    if (at === null) return;
    delay = Math.max(floor, at - Date.now());
  }
  // setTimeout's delay is a 32-bit number of ms (about 24.8 days): a longer one would fire at once.
  timer = setTimeout(() => { if (keeper) renew(keeper.config).catch(() => {}); }, Math.min(delay, 2 ** 31 - 1));
}

function renewed(token) {
  retryMs = RETRY_FIRST_MS;
  if (!keeper) return;
  // A browser clock far ahead of Cognito's would find each new token due at once: one renewal per 5 s at most.
  plan(undefined, MIN_GAP_MS);
  keeper.onRenewed(token);
}

function failed(error) {
  if (!keeper || (error instanceof AuthError && error.code === 'stale')) return;
  if (isRefusal(error)) {
    const { onRefused } = keeper;
    stop();
    onRefused();
    return;
  }
  // Offline or Cognito busy: the ID token may still be good; again a little later, with jitter.
  plan(retryMs * (0.75 + Math.random() / 2));
  retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
}

// The timer of a sleeping laptop fires late or not at all: on waking (or the tab shown again) the
// schedule is checked against the clock.
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => { if (keeper && !document.hidden && !renewing) plan(); });
}
if (typeof window !== 'undefined') {
  // Back online while a failed renewal waits for its next try: try now.
  window.addEventListener('online', () => { if (keeper && !renewing && retryMs > RETRY_FIRST_MS) plan(0); });
}

/** The token's claims, for display only (the API verifies the token). Null when unreadable. */
export function claimsOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

export function isExpired(claims, now = Date.now()) {
  return typeof claims.exp === 'number' && claims.exp * 1000 <= now;
}

export function hotelsOf(claims) {
  return String(claims['custom:hotel_ids'] || '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}
