// Sign-in in two modes, chosen at start-up by detectMode:
//
//   dev      `tandem dev` answers GET /dev/users: pick a demo user, POST /dev/token gives a
//            token signed by the local gateway.
//   cognito  everywhere else: OAuth 2.0 authorization code flow with PKCE (RFC 7636) against the
//            Cognito hosted UI named in /config.json. The ID token is the bearer token, because
//            the HTTP API's JWT authorizer reads the org, department and groups from its claims.
//
// The session (token and expiry) lives in sessionStorage: it ends with the tab, and a page
// reload keeps it. Storage is a parameter so tests can run without a browser.
import { api, type DevUser, type RuntimeConfig } from './api';

export type AuthMode = 'dev' | 'cognito';
export type CognitoConfig = NonNullable<RuntimeConfig['cognito']>;

/** AuthSetup is what the sign-in screen needs to know about the chosen mode. */
export type AuthSetup =
  | { mode: 'dev'; users: DevUser[] }
  | { mode: 'cognito'; config: CognitoConfig | null }; // null: /config.json missing or incomplete

export interface Session {
  mode: AuthMode;
  token: string;
  expiresAt: number; // epoch ms
}

const SESSION_KEY = 'tandem.session';
const PKCE_KEY = 'tandem.pkce';
const EXPIRY_SKEW_MS = 30_000;

/** detectMode picks dev mode when /dev/users answers with a user list, else Cognito. */
export async function detectMode(): Promise<AuthSetup> {
  try {
    return { mode: 'dev', users: await api.devUsers() };
  } catch {
    // not the local gateway: fall through to Cognito
  }
  try {
    const cfg = await api.runtimeConfig();
    const c = cfg.cognito;
    if (c && typeof c.domain === 'string' && c.domain && typeof c.clientId === 'string' && c.clientId) {
      return { mode: 'cognito', config: c };
    }
  } catch {
    // no runtime config
  }
  return { mode: 'cognito', config: null };
}

// ---------------------------------------------------------------------------------- session

const defaultStorage = (): Storage => globalThis.sessionStorage;

/** loadSession returns the stored session unless it is missing, malformed or (nearly) expired. */
export function loadSession(now = Date.now(), storage: Storage = defaultStorage()): Session | null {
  const raw = storage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if ((s.mode === 'dev' || s.mode === 'cognito') && typeof s.token === 'string' && typeof s.expiresAt === 'number') {
      if (s.expiresAt - EXPIRY_SKEW_MS > now) return s as Session;
    }
  } catch {
    // fall through
  }
  storage.removeItem(SESSION_KEY);
  return null;
}

export function saveSession(s: Session, storage: Storage = defaultStorage()): void {
  storage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function clearSession(storage: Storage = defaultStorage()): void {
  storage.removeItem(SESSION_KEY);
}

/** devSignIn asks the local gateway for a token for a demo user (dev mode only). */
export async function devSignIn(email: string, storage: Storage = defaultStorage()): Promise<Session> {
  const t = await api.devToken(email);
  const s: Session = { mode: 'dev', token: t.token, expiresAt: Date.parse(t.expiresAt) };
  saveSession(s, storage);
  return s;
}

// ---------------------------------------------------------------------------------- PKCE

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
export function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** randomVerifier returns a code_verifier: 32 random bytes → 43 characters of [A-Za-z0-9-_]. */
export function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** challengeFor is the S256 code_challenge: base64url(SHA-256(ASCII(verifier))). */
export async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const redirectUri = (c: CognitoConfig, origin: string) => c.redirectUri || `${origin}/auth/callback`;
const hosted = (c: CognitoConfig) => c.domain.replace(/\/$/, '');

/**
 * beginCognitoSignIn remembers a fresh verifier and state (for the callback) and returns the
 * hosted UI's authorize URL to navigate to. returnTo is where to land after sign-in.
 */
export async function beginCognitoSignIn(
  c: CognitoConfig,
  returnTo: string,
  origin: string = globalThis.location.origin,
  storage: Storage = defaultStorage(),
): Promise<string> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  storage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: c.clientId,
    redirect_uri: redirectUri(c, origin),
    scope: (c.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: 'S256',
  });
  return `${hosted(c)}/oauth2/authorize?${q}`;
}

/**
 * completeCognitoSignIn handles /auth/callback?code=&state=: it checks the state against the
 * one stored by beginCognitoSignIn (CSRF), redeems the code with the verifier, stores the
 * session and returns where to go next. The stored verifier is single-use.
 */
export async function completeCognitoSignIn(
  c: CognitoConfig,
  search: string,
  origin: string = globalThis.location.origin,
  storage: Storage = defaultStorage(),
  now = Date.now(),
): Promise<{ session: Session; returnTo: string }> {
  const params = new URLSearchParams(search);
  const pending = storage.getItem(PKCE_KEY);
  storage.removeItem(PKCE_KEY);
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') || `Sign-in failed (${error}).`);
  const code = params.get('code');
  let stored: { verifier?: unknown; state?: unknown; returnTo?: unknown } = {};
  try {
    stored = pending ? JSON.parse(pending) : {};
  } catch {
    stored = {};
  }
  if (!code || typeof stored.verifier !== 'string' || stored.state !== params.get('state')) {
    throw new Error('This sign-in link is not valid any more. Please sign in again.');
  }
  const tokens = await api.cognitoToken(hosted(c), {
    grant_type: 'authorization_code',
    client_id: c.clientId,
    code,
    redirect_uri: redirectUri(c, origin),
    code_verifier: stored.verifier,
  });
  const session: Session = { mode: 'cognito', token: tokens.id_token, expiresAt: now + tokens.expires_in * 1000 };
  saveSession(session, storage);
  const returnTo = typeof stored.returnTo === 'string' && /^\/(?!\/)/.test(stored.returnTo) ? stored.returnTo : '/';
  return { session, returnTo };
}

/** cognitoLogoutUrl ends the hosted UI's own session too, then comes back to the app. */
export function cognitoLogoutUrl(c: CognitoConfig, origin: string = globalThis.location.origin): string {
  const q = new URLSearchParams({ client_id: c.clientId, logout_uri: c.logoutUri || `${origin}/` });
  return `${hosted(c)}/logout?${q}`;
}
