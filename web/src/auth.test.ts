import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  beginCognitoSignIn, challengeFor, completeCognitoSignIn, detectMode, loadSession, randomVerifier, saveSession,
} from './auth';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() { return this.m.size; }
  clear() { this.m.clear(); }
  getItem(k: string) { return this.m.get(k) ?? null; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  removeItem(k: string) { this.m.delete(k); }
  setItem(k: string, v: string) { this.m.set(k, v); }
}

type Route = (url: string, init?: RequestInit) => Response | Promise<Response>;
const stubFetch = (routes: Record<string, Route>) =>
  vi.stubGlobal('fetch', async (u: string, init?: RequestInit) => {
    const path = u.replace(/^https?:\/\/[^/]+/, '').split('?')[0]!;
    const r = routes[path] ?? routes[u];
    if (!r) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    return r(u, init);
  });
const json = (v: unknown, status = 200, type = 'application/json') => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': type } });

afterEach(() => vi.unstubAllGlobals());

describe('detectMode', () => {
  it('chooses dev when /dev/users answers with users', async () => {
    stubFetch({ '/dev/users': () => json({ users: [{ id: 'acme-ben', email: 'ben@acme.example', name: 'Ben', org: 'acme', department: 'Sales', roles: ['learner'] }] }) });
    const s = await detectMode();
    expect(s.mode).toBe('dev');
    expect(s.mode === 'dev' && s.users[0]!.email).toBe('ben@acme.example');
  });

  it('chooses cognito when /dev/users is missing, using /config.json', async () => {
    stubFetch({ '/config.json': () => json({ cognito: { domain: 'https://tandem.auth.eu-west-1.amazoncognito.com', clientId: 'abc' } }) });
    const s = await detectMode();
    expect(s).toEqual({ mode: 'cognito', config: { domain: 'https://tandem.auth.eu-west-1.amazoncognito.com', clientId: 'abc' } });
  });

  it('does not mistake an SPA fallback page for dev sign-in', async () => {
    stubFetch({ '/dev/users': () => new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }) });
    expect(await detectMode()).toEqual({ mode: 'cognito', config: null });
  });

  it('treats a network failure or a malformed config as cognito without config', async () => {
    vi.stubGlobal('fetch', async () => { throw new TypeError('offline'); });
    expect(await detectMode()).toEqual({ mode: 'cognito', config: null });
    stubFetch({ '/dev/users': () => json({ nope: true }), '/config.json': () => json({ cognito: { domain: '' } }) });
    expect(await detectMode()).toEqual({ mode: 'cognito', config: null });
  });
});

describe('session', () => {
  it('drops expired or malformed sessions', () => {
    const st = new MemoryStorage();
    saveSession({ mode: 'dev', token: 't', expiresAt: 1_000_000 }, st);
    expect(loadSession(900_000, st)?.token).toBe('t');
    expect(loadSession(990_000, st)).toBeNull(); // within the 30 s skew
    expect(st.length).toBe(0);
    st.setItem('tandem.session', '{bad');
    expect(loadSession(0, st)).toBeNull();
  });
});

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B example', async () => {
    expect(await challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character url-safe verifiers', () => {
    const v = randomVerifier();
    expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomVerifier()).not.toBe(v);
  });

  const cfg = { domain: 'https://tandem.auth.eu-west-1.amazoncognito.com/', clientId: 'client1' };

  it('runs the code flow: authorize URL, state check, token exchange with the verifier', async () => {
    const st = new MemoryStorage();
    const authorize = new URL(await beginCognitoSignIn(cfg, '/sessions', 'https://app.example', st));
    expect(authorize.origin + authorize.pathname).toBe('https://tandem.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('client1');
    expect(q.get('redirect_uri')).toBe('https://app.example/auth/callback');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('scope')).toBe('openid email profile');
    const stored = JSON.parse(st.getItem('tandem.pkce')!);
    expect(q.get('code_challenge')).toBe(await challengeFor(stored.verifier));

    let form: URLSearchParams | undefined;
    stubFetch({
      'https://tandem.auth.eu-west-1.amazoncognito.com/oauth2/token': (_u, init) => {
        form = new URLSearchParams(String(init?.body));
        return json({ id_token: 'idt', access_token: 'at', expires_in: 3600, token_type: 'Bearer' });
      },
    });
    const { session, returnTo } = await completeCognitoSignIn(cfg, `?code=c0de&state=${q.get('state')}`, 'https://app.example', st, 1_000);
    expect(form?.get('grant_type')).toBe('authorization_code');
    expect(form?.get('code')).toBe('c0de');
    expect(form?.get('code_verifier')).toBe(stored.verifier);
    expect(form?.get('redirect_uri')).toBe('https://app.example/auth/callback');
    expect(session).toEqual({ mode: 'cognito', token: 'idt', expiresAt: 1_000 + 3_600_000 });
    expect(returnTo).toBe('/sessions');
    expect(st.getItem('tandem.pkce')).toBeNull(); // single use
  });

  it('refuses a callback whose state does not match', async () => {
    const st = new MemoryStorage();
    await beginCognitoSignIn(cfg, '/', 'https://app.example', st);
    await expect(completeCognitoSignIn(cfg, '?code=x&state=forged', 'https://app.example', st)).rejects.toThrow(/not valid/);
  });

  beforeEach(() => undefined);
});
