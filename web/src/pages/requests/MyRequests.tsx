// My requests (GET /v1/requests): the learner's requests, newest first, each linking to its
// matches and offers.
import { api } from '../../api';
import { usePages } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatDate, formatDuration } from '../../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import { RequestBadge, matchable } from '../../components/Requests';
import { MAX_OPEN_REQUESTS } from '../../refusal';

export function MyRequests() {
  useTitle('My requests');
  const { zone, notice } = useApp();
  const { items, cursor, loading, error: err, more } = usePages((from, signal) => api.requests(from, signal), []);

  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>My requests</h1>
        <Link class="button" href="/requests/new">
          New request
        </Link>
      </div>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <p class="muted">
        Tell Tandem what you want to learn; it suggests experts and explains why, and experts can offer you times. You can have up to {MAX_OPEN_REQUESTS} requests open at once: close one you no longer need from its page.
      </p>
      <ErrorBanner error={err} />
      {loading && items.length === 0 && <Loading what="Loading your requests…" />}
      {!loading && !err && items.length === 0 && (
        <Empty>
          No requests yet. <Link href="/requests/new">Post your first request</Link>.
        </Empty>
      )}
      <ul class="cards" aria-label="My requests">
        {items.map((r) => (
          <li class="card request-card" key={r.id} data-request={r.id}>
            <p class="when">
              <RequestBadge status={r.status} /> <span class="muted">posted {formatDate(r.createdAt, zone)}</span>
            </p>
            <h2>
              <Link href={`/requests/${encodeURIComponent(r.id)}`}>{r.topics.map((t) => t.replace(/-/g, ' ')).join(', ')}</Link>
            </h2>
            <p class="goal">{r.goal}</p>
            <p class="muted">
              {formatDuration(r.durationMin)}
              {matchable(r) ? ` · open until ${formatDate(r.expiresAt, zone)}` : ''}
            </p>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" class="secondary" disabled={loading} onClick={() => void more()}>
          Show more
        </button>
      )}
    </main>
  );
}
