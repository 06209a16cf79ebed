// Find an expert: topic, language and free text (GET /v1/experts), results as cards.
import { useEffect, useState } from 'preact/hooks';
import { api, type Expert } from '../api';
import { Rating } from '../components/Rating';
import { usePages } from '../load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { Empty, ErrorBanner, Loading, TextField, errorOf, useTitle } from '../ui';

const MAX_AUTO_PAGES = 5; // language/text filter within a page, so a page may come back empty

export function Experts() {
  useTitle('Find an expert');
  const { query } = useLocation();
  const filters = { topic: query.get('topic') ?? '', language: query.get('language') ?? '', q: query.get('q') ?? '' };
  const [form, setForm] = useState(filters);
  // A language or text filter applies within a page, so a page may come back empty: read on
  // (up to MAX_AUTO_PAGES) until something is found or the list ends.
  const { items, cursor, loading, error: err, more } = usePages(async (from, signal) => {
    let found: Expert[] = [];
    let next = from;
    for (let i = 0; i < MAX_AUTO_PAGES; i++) {
      const page = await api.experts({ ...filters, cursor: next }, signal);
      found = found.concat(page.items);
      next = page.nextCursor;
      if (found.length > 0 || !next) break;
    }
    return { items: found, nextCursor: next };
  }, [filters.topic, filters.language, filters.q]);

  useEffect(() => setForm(filters), [filters.topic, filters.language, filters.q]);

  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });

  return (
    <main id="main">
      <h1 tabIndex={-1}>Find an expert</h1>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withQuery('/experts', new URLSearchParams(), { topic: form.topic.trim(), language: form.language.trim(), q: form.q.trim() }));
        }}
      >
        <TextField label="Topic" value={form.topic} onValue={set('topic')} placeholder="e.g. go, negotiation" error={errorOf(err, 'topic')} />
        <TextField label="Language" value={form.language} onValue={set('language')} placeholder="e.g. en, de, pt-BR" error={errorOf(err, 'language')} class="narrow" />
        <TextField label="Search text" value={form.q} onValue={set('q')} type="search" placeholder="name, headline…" error={errorOf(err, 'q')} />
        <div class="search-actions">
          <button type="submit">Search</button>
          {(filters.topic || filters.language || filters.q) && (
            <Link class="button secondary" href="/experts">
              Clear
            </Link>
          )}
        </div>
      </form>
      <ErrorBanner error={err} shown={['topic', 'language', 'q']} />
      {loading && items.length === 0 && <Loading what="Loading experts…" />}
      {!loading && !err && items.length === 0 && <Empty>No experts match. Try another topic or fewer words.</Empty>}
      {items.length > 0 && (
        <ul class="cards" aria-label="Experts">
          {items.map((e) => (
            <li class="card expert-card" key={e.id}>
              <h2>
                <Link href={`/experts/${encodeURIComponent(e.id)}`}>{e.name}</Link>
              </h2>
              <p class="headline">{e.headline}</p>
              <p class="meta">
                {e.department} · <Rating e={e} /> · speaks {e.languages.join(', ')}
              </p>
              <ul class="chips" aria-label="Topics">
                {e.topics.map((t) => (
                  <li key={t}>
                    <Link href={`/experts?topic=${encodeURIComponent(t)}`} class="chip">
                      {t.replace(/-/g, ' ')}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="secondary" disabled={loading} onClick={() => void more()}>
          {loading ? 'Loading…' : 'Show more experts'}
        </button>
      )}
    </main>
  );
}
