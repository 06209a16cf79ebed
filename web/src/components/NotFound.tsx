// What the shell shows for a route it cannot serve: not allowed (a role is missing), not found.
import type { Role } from '../api';
import { Link } from '../router';
import { useTitle } from '../ui';

export function NotAllowed({ need }: { need: Role }) {
  useTitle('Not allowed');
  return (
    <main id="main">
      <h1 tabIndex={-1}>Not allowed</h1>
      <p class="banner error-banner" role="alert">
        This page is for {need === 'hr' ? 'HR' : `${need}s`} only, and your account does not have that role.
      </p>
      <p>
        <Link href="/">Back to the start page</Link>
      </p>
    </main>
  );
}

export function NotFound() {
  useTitle('Not found');
  return (
    <main id="main">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Back to the start page</Link>
      </p>
    </main>
  );
}
