// My requests (GET /v1/requests): the learner's requests, newest first, each linking to its
// matches and offers.
import { useEffect, useState } from 'preact/hooks';
import { api, type LearnerRequest } from '../../api';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatDate, formatDuration } from '../../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import { RequestBadge, matchable } from './common';

export function MyRequests() {
  useTitle('My requests');
  const { zone, notice } = useApp();
  const [items, setItems] = useState<LearnerRequest[]>([]);
  const [cursor, setCursor] = useState('');
  const [loading, setLoading] = useState(true);
  const [err, setErr] = useState<unknown>(null);
  const load = async (from: string) => {
    setLoading(true);
    setErr(null);
    try {
      const page = await api.requests(from);
      setItems((prev) => (from ? prev.concat(page.items) : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setErr(e);
    }
    setLoading(false);
  };
  useEffect(() => void load(''), []);

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
      <p class="muted">Tell Tandem what you want to learn; it suggests experts and explains why, and experts can offer you times.</p>
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
        <button type="button" class="secondary" disabled={loading} onClick={() => load(cursor)}>
          Show more
        </button>
      )}
    </main>
  );
}
