// An expert's rating summary and reviews (GET /v1/experts/{id}/reviews): the average, how
// many of each star, and the ratings newest first with the comments learners chose to share
// (never their names).
import { api } from '../api';
import { usePages } from '../load';
import { useApp } from '../state';
import { formatDate } from '../time';
import { ErrorBanner, Loading } from '../ui';

export function Stars({ n }: { n: number }) {
  return (
    <span class="stars" role="img" aria-label={`${n} out of 5 stars`}>
      {'★'.repeat(n)}
      {'☆'.repeat(Math.max(0, 5 - n))}
    </span>
  );
}

export function Reviews({ expertId, name }: { expertId: string; name: string }) {
  const { zone } = useApp();
  const { data, items, cursor, loading, error: err, more } = usePages((from, signal) => api.reviews(expertId, from, signal), [expertId]);
  const summary = data?.summary;

  const max = Math.max(1, ...(summary?.distribution ?? [0]));
  return (
    <section class="reviews card" aria-labelledby="reviews-h">
      <h2 id="reviews-h">Ratings and reviews</h2>
      <ErrorBanner error={err} />
      {loading && !summary && <Loading what="Loading reviews…" />}
      {summary && summary.count === 0 && <p class="muted">{name} has no ratings yet.</p>}
      {summary && summary.count > 0 && (
        <div class="rating-summary">
          <p class="rating-big" data-testid="rating-average">
            <strong>{summary.average.toFixed(1)}</strong> <span aria-hidden="true">★</span>
            <span class="muted">
              {' '}
              from {summary.count} rating{summary.count === 1 ? '' : 's'}
            </span>
          </p>
          <table class="distribution">
            <caption class="visually-hidden">Ratings by number of stars</caption>
            <tbody>
              {[5, 4, 3, 2, 1].map((star) => {
                const n = summary.distribution[star - 1] ?? 0;
                return (
                  <tr key={star}>
                    <th scope="row">{star} ★</th>
                    <td>
                      <span class="dist-bar" aria-hidden="true">
                        <span style={{ width: `${(n / max) * 100}%` }} />
                      </span>
                    </td>
                    <td class="num">{n}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {items.length > 0 && (
        <ul class="review-list" aria-label="Reviews">
          {items.map((r, i) => (
            <li key={i} class="review">
              <p>
                <Stars n={r.rating} /> <span class="muted small-text">{formatDate(r.createdAt, zone)}</span>
              </p>
              {r.comment ? <blockquote>{r.comment}</blockquote> : <p class="muted small-text">No comment shared.</p>}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="secondary small" disabled={loading} onClick={() => void more()}>
          More reviews
        </button>
      )}
    </section>
  );
}
