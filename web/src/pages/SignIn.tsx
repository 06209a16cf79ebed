// Sign-in: in dev mode the seeded demo users, grouped by org and role; in Cognito mode one
// button to the hosted UI.
import { useState } from 'preact/hooks';
import type { DevUser } from '../api';
import { beginCognitoSignIn, devSignIn, type AuthSetup, type Session } from '../auth';
import { ErrorBanner, useTitle } from '../ui';

const roleGroups = [
  { role: 'hr', title: 'HR' },
  { role: 'expert', title: 'Experts' },
  { role: 'learner', title: 'Learners' },
] as const;

/** primaryRole: the group a user is listed under (experts and HR are learners too). */
const primaryRole = (u: DevUser) => roleGroups.find((g) => u.roles.includes(g.role))?.role ?? 'learner';

export function SignIn({ setup, returnTo, onSignedIn }: { setup: AuthSetup; returnTo: string; onSignedIn: (s: Session) => void }) {
  useTitle('Sign in');
  const [err, setErr] = useState<unknown>(null);
  const [pending, setPending] = useState('');

  if (setup.mode === 'cognito') {
    return (
      <main id="main" class="signin">
        <h1 tabIndex={-1}>Sign in to Tandem</h1>
        {setup.config ? (
          <>
            <p>Use your company account.</p>
            <button
              type="button"
              onClick={async () => {
                try {
                  location.assign(await beginCognitoSignIn(setup.config!, returnTo));
                } catch (e) {
                  setErr(e);
                }
              }}
            >
              Sign in with your company account
            </button>
          </>
        ) : (
          <p class="banner error-banner" role="alert">
            Sign-in is not configured: this deployment has no <code>/config.json</code> with a Cognito domain and client id.
          </p>
        )}
        <ErrorBanner error={err} />
      </main>
    );
  }

  const orgs = [...new Set(setup.users.map((u) => u.org))];
  const signIn = async (u: DevUser) => {
    setPending(u.email);
    setErr(null);
    try {
      onSignedIn(await devSignIn(u.email));
    } catch (e) {
      setErr(e);
      setPending('');
    }
  };

  return (
    <main id="main" class="signin">
      <h1 tabIndex={-1}>Sign in to Tandem</h1>
      <p class="lead">
        Local development sign-in: choose any demo user. <span class="muted">(This page never exists in AWS.)</span>
      </p>
      <ErrorBanner error={err} />
      {orgs.map((org) => (
        <section class="org" key={org} aria-labelledby={`org-${org}`}>
          <h2 id={`org-${org}`}>Organisation: {org}</h2>
          <div class="role-groups">
            {roleGroups.map((g) => {
              const users = setup.users.filter((u) => u.org === org && primaryRole(u) === g.role);
              if (users.length === 0) return null;
              return (
                <section key={g.role} aria-labelledby={`g-${org}-${g.role}`}>
                  <h3 id={`g-${org}-${g.role}`}>{g.title}</h3>
                  <ul class="user-list">
                    {users.map((u) => (
                      <li key={u.id}>
                        <button type="button" class="user" onClick={() => signIn(u)} disabled={!!pending}>
                          <span class="user-name">
                            <span class="visually-hidden">Sign in as </span>
                            {u.name}
                          </span>
                          <span class="user-meta">
                            {u.department} · {u.email}
                          </span>
                          {pending === u.email && <span class="muted"> signing in…</span>}
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        </section>
      ))}
    </main>
  );
}
