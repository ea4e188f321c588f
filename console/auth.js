// Sign-in with the Cognito user pool (USER_PASSWORD_AUTH); the ID token lives in sessionStorage.

const TOKEN_KEY = 'lobby.idToken';

export class AuthError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export async function signIn(config, username, password) {
  let response;
  try {
    response = await fetch(config.cognito_endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.cognito_client_id,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new AuthError('network');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    // __type is "NotAuthorizedException" or "com.amazonaws...#NotAuthorizedException".
    const type = String(data.__type || '').split('#').pop();
    throw new AuthError(type || 'unknown', data.message);
  }
  if (data.ChallengeName) throw new AuthError('challenge', data.ChallengeName);
  const token = data.AuthenticationResult && data.AuthenticationResult.IdToken;
  if (!token) throw new AuthError('unknown');
  sessionStorage.setItem(TOKEN_KEY, token);
  return token;
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
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
