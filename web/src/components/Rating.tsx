// An expert's average rating and count, as on the expert cards, the expert's page and matches.
import type { Expert } from '../api';

/** Rating says an expert's average of 1-5 stars and from how many ratings (or none yet). */
export function Rating({ e }: { e: Expert }) {
  if (!e.rating || e.rating.count === 0) return <span class="muted">no ratings yet</span>;
  return (
    <span aria-label={`Rated ${e.rating.average.toFixed(1)} out of 5 from ${e.rating.count} ratings`}>
      <span aria-hidden="true">★ {e.rating.average.toFixed(1)}</span> ({e.rating.count})
    </span>
  );
}
