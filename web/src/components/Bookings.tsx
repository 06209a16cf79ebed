// Pieces the learner's sessions, the expert's schedule and a group session's page share: the
// caller's bookings page by page, the upcoming/past tabs, and the dialog that asks for an
// optional reason (cancel, decline, call off).
import { useState } from 'preact/hooks';
import { api, type Booking } from '../api';
import { usePages } from '../load';
import { Link } from '../router';
import { Dialog, ErrorBanner, TextArea, errorOf } from '../ui';

export type When = 'upcoming' | 'past';
/** useBookings lists the caller's bookings as learner or expert, page by page. */
export function useBookings(as: 'learner' | 'expert', when: When) {
  const l = usePages((cursor, signal) => api.bookings({ as, when, cursor }, signal), [as, when]);
  /** replace puts a booking an action answered in place of the listed one. */
  const replace = (b: Booking) => l.setData((d) => ({ items: (d?.items ?? []).map((x) => (x.id === b.id ? b : x)), nextCursor: d?.nextCursor ?? '' }));
  return { items: l.items, cursor: l.cursor, loading: l.loading, err: l.error, more: () => void l.more(), replace };
}

export function WhenTabs({ base, when }: { base: string; when: When }) {
  return (
    <nav class="tabs" aria-label="Which sessions">
      <Link href={`${base}?when=upcoming`} aria-current={when === 'upcoming' ? 'page' : undefined}>
        Upcoming
      </Link>
      <Link href={`${base}?when=past`} aria-current={when === 'past' ? 'page' : undefined}>
        Past
      </Link>
    </nav>
  );
}

/** ReasonDialog confirms an action that takes an optional reason (cancel, decline, call off). */
export function ReasonDialog<T>(p: {
  title: string;
  summary: string;
  confirmLabel: string;
  keepLabel: string;
  run: (reason: string) => Promise<T>;
  onDone: (result: T | null) => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const go = async () => {
    setBusy(true);
    setErr(null);
    try {
      p.onDone(await p.run(reason));
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  return (
    <Dialog open title={p.title} onClose={() => p.onDone(null)}>
      <p>{p.summary}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go();
        }}
      >
        <TextArea label="Reason (optional)" value={reason} onValue={setReason} maxLength={500} error={errorOf(err, 'reason')} />
        <ErrorBanner error={err} shown={['reason']} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>
            {busy ? 'Working…' : p.confirmLabel}
          </button>
          <button type="button" class="secondary" onClick={() => p.onDone(null)}>
            {p.keepLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
