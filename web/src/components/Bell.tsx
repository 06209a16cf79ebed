// The bell in the header: a link to the inbox with the unread count. It asks
// GET /v1/notifications/unread-count (one GetItem) when mounted, every 60 s while the tab is
// visible, and when the window regains focus; the inbox tells it at once when it marks things
// read (setUnread). A change of the count while the page is open is announced politely; the
// first count is not (it is in the link's name).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { useLoad } from '../load';
import { bellLabel, badgeText } from '../notifications';
import { Link } from '../router';
import '../feat.css';

const POLL_MS = 60_000;
const EVENT = 'tandem:unread';

/** setUnread tells the bell the new unread count (after marking read, or from an inbox page). */
export function setUnread(n: number): void {
  dispatchEvent(new CustomEvent<number>(EVENT, { detail: n }));
}

export function Bell({ current }: { current: boolean }) {
  const count = useLoad((signal) => api.unreadCount(signal), [], { keep: true });
  const n = count.data?.unread ?? 0;
  const [said, setSaid] = useState('');
  const last = useRef<number | null>(null);

  useEffect(() => {
    const poll = () => {
      if (document.visibilityState === 'visible') void count.reload();
    };
    const timer = setInterval(poll, POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && poll();
    const onSet = (e: Event) => count.setData({ unread: (e as CustomEvent<number>).detail });
    addEventListener('focus', poll);
    document.addEventListener('visibilitychange', onVisible);
    addEventListener(EVENT, onSet);
    return () => {
      clearInterval(timer);
      removeEventListener('focus', poll);
      document.removeEventListener('visibilitychange', onVisible);
      removeEventListener(EVENT, onSet);
    };
  }, []);

  useEffect(() => {
    if (count.data === undefined) return;
    if (last.current !== null && n > last.current) setSaid(n === 1 ? 'You have 1 unread notification.' : `You have ${n} unread notifications.`);
    last.current = n;
  }, [count.data]);

  return (
    <span class="bell-wrap">
      <Link href="/notifications" class={`bell${n > 0 ? ' has-unread' : ''}`} aria-label={bellLabel(n)} aria-current={current ? 'page' : undefined} data-unread={n}>
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Zm-2 1H7v-6a5 5 0 0 1 10 0v6Z"
          />
        </svg>
        {n > 0 && (
          <span class="bell-count" aria-hidden="true">
            {badgeText(n)}
          </span>
        )}
      </Link>
      <span class="visually-hidden" role="status" aria-live="polite">
        {said}
      </span>
    </span>
  );
}
