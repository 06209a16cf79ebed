// The in-app inbox (/notifications): newest first, all or only unread, page by page. Each
// notification links to what it is about (an app path; opening it marks it read); mark one or
// all as read. The bell in the header is told the new unread count at once.
import { useEffect, useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import { api, type Notification } from '../../api';
import { ago } from '../../calendars';
import { setUnread } from '../../components/Bell';
import { usePages } from '../../load';
import { appPath } from '../../notifications';
import { Link, navigate, useLocation } from '../../router';
import { serverNow, useApp } from '../../state';
import { formatInstant } from '../../time';
import { Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import '../../feat.css';

export function Inbox() {
  useTitle('Notifications');
  const { zone } = useApp();
  const unreadOnly = useLocation().query.get('show') === 'unread';
  const list = usePages((cursor, signal) => api.notifications(cursor, unreadOnly, signal), [unreadOnly]);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const unread = list.data?.unread ?? 0;

  useEffect(() => {
    if (list.data) setUnread(list.data.unread);
  }, [list.data]);

  const now = serverNow(zone);
  const markedRead = (ids: string[] | 'all') => {
    const at = DateTime.utc().toISO() ?? '';
    list.setData((d) => {
      const items = (d?.items ?? []).map((x) => (ids === 'all' || ids.includes(x.id) ? { ...x, readAt: x.readAt ?? at } : x));
      const left = ids === 'all' ? 0 : Math.max(0, (d?.unread ?? 0) - (d?.items ?? []).filter((x) => ids.includes(x.id) && !x.readAt).length);
      return { items: unreadOnly ? items.filter((x) => !x.readAt) : items, nextCursor: d?.nextCursor ?? '', unread: left };
    });
  };
  const markRead = async (n: Notification) => {
    setErr(null);
    try {
      await api.markRead(n.id);
      markedRead([n.id]);
      setSaid(`Marked “${n.title}” as read.`);
    } catch (e) {
      setErr(e);
    }
  };
  const markAll = async () => {
    setBusy(true);
    setErr(null);
    try {
      await api.markAllRead();
      markedRead('all');
      setSaid('All notifications marked as read.');
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  const open = async (n: Notification) => {
    // Mark it read on the way (a failure does not keep anyone from the page it leads to).
    if (!n.readAt) {
      try {
        await api.markRead(n.id);
        setUnread(Math.max(0, unread - 1));
      } catch {
        // It stays unread; the inbox shows that when opened again.
      }
    }
    navigate(appPath(n.path));
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Notifications</h1>
      <div class="inbox-tools">
        <nav class="tabs" aria-label="Which notifications">
          <Link href="/notifications" aria-current={!unreadOnly ? 'page' : undefined}>
            All
          </Link>
          <Link href="/notifications?show=unread" aria-current={unreadOnly ? 'page' : undefined}>
            Unread
          </Link>
        </nav>
        <span class="spacer" />
        <p class="muted" data-testid="unread">
          {list.data ? (unread === 0 ? 'Nothing unread' : `${unread} unread`) : ''}
        </p>
        <button type="button" class="secondary small" disabled={busy || unread === 0} onClick={() => void markAll()}>
          Mark all as read
        </button>
        <Link href="/notifications/settings">Notification settings</Link>
      </div>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <ErrorBanner error={list.error ?? err} />
      {list.loading && list.items.length === 0 && <Loading what="Loading your notifications…" />}
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{unreadOnly ? 'Nothing unread.' : 'No notifications yet. Bookings, offers and reminders will show up here.'}</Empty>}
      <ul class="cards" aria-label={unreadOnly ? 'Unread notifications' : 'Notifications'}>
        {list.items.map((n) => (
          <li class={`card notification${n.readAt ? '' : ' unread'}`} key={n.id} data-notification={n.id} data-kind={n.kind}>
            <div>
              <h2>
                <a
                  href={appPath(n.path)}
                  onClick={(e) => {
                    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                    e.preventDefault();
                    void open(n);
                  }}
                >
                  {n.title}
                </a>{' '}
                {!n.readAt && <span class="badge badge-new">New</span>}
              </h2>
              {n.body && <p class="body">{n.body}</p>}
              <time class="muted" dateTime={n.createdAt}>
                {formatInstant(n.createdAt, zone)}
                {ago(n.createdAt, now) ? ` · ${ago(n.createdAt, now)}` : ''}
              </time>
            </div>
            {!n.readAt && (
              <button type="button" class="secondary small" onClick={() => void markRead(n)} aria-label={`Mark as read: ${n.title}`}>
                Mark as read
              </button>
            )}
          </li>
        ))}
      </ul>
      {list.cursor && (
        <button type="button" class="secondary" disabled={list.loading} onClick={() => void list.more()}>
          Show more
        </button>
      )}
    </main>
  );
}
