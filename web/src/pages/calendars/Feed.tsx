// The outgoing feed: a secret address calendar apps subscribe to (Tandem's sessions, both as
// learner and as expert), with "Copy link", "Add to Google / Outlook / Apple" (webcal) and
// "Make a new link" (the old one stops working), or turning it off.
import { useRef, useState } from 'preact/hooks';
import { api, type CalendarFeed } from '../../api';
import { feedLinks } from '../../calendars';
import { ConfirmDialog, ErrorBanner } from '../../ui';

/** copyText puts text on the clipboard; false when the browser refused. */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Without the async clipboard (an http origin, a refused permission): select and copy.
    if (!input) return false;
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * Feed shows the feed when its URL is known (from GET /v1/me/calendars, or the link just made).
 * known false: the API cannot say whether a link exists, so making one is offered (it
 * replaces any link made before).
 */
export function Feed({ feed, onFeed }: { feed: CalendarFeed | null; onFeed: (f: CalendarFeed | null) => void }) {
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const [ask, setAsk] = useState<'rotate' | 'off' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const links = feed ? feedLinks(feed.url, location.origin) : null;

  const make = async () => {
    const t = await api.newCalendarToken();
    const l = feedLinks(t.url, location.origin);
    onFeed({ url: l.https, webcalUrl: l.webcal });
    requestAnimationFrame(() => input.current?.focus());
  };
  const create = async () => {
    setBusy(true);
    setErr(null);
    try {
      await make();
      setSaid('Your feed link is ready.');
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  const copy = async () => {
    if (!links) return;
    setSaid('');
    const ok = await copyText(links.https, input.current);
    setSaid(ok ? 'Link copied.' : 'Could not copy: select the link and copy it yourself.');
  };

  return (
    <section class="card feed" aria-labelledby="feed-h">
      <h2 id="feed-h">Your Tandem sessions in your calendar app</h2>
      <p>Subscribe to this link and your sessions (as learner and as expert) appear in your calendar, and follow every confirmation, move and cancellation. Calendar apps check it every few hours.</p>
      {links ? (
        <>
          <div class="feed-url">
            <div class="field">
              <label for="feed-url">Feed link</label>
              <input id="feed-url" ref={input} readOnly value={links.https} onFocus={(e) => e.currentTarget.select()} aria-describedby="feed-secret" />
            </div>
            <button type="button" onClick={() => void copy()}>
              Copy link
            </button>
          </div>
          <p class="hint" id="feed-secret">
            Anyone with this link sees your sessions’ times and names. Do not share it; if you did, make a new link.
          </p>
          <ul class="add-to" aria-label="Add to a calendar app">
            <li>
              <a href={links.google} target="_blank" rel="noopener noreferrer">
                Add to Google Calendar
              </a>
            </li>
            <li>
              <a href={links.outlook} target="_blank" rel="noopener noreferrer">
                Add to Outlook (work or school)
              </a>
            </li>
            <li>
              <a href={links.outlookCom} target="_blank" rel="noopener noreferrer">
                Add to Outlook.com
              </a>
            </li>
            <li>
              <a href={links.webcal}>Add to Apple Calendar</a>
            </li>
          </ul>
          <div class="actions">
            <button type="button" class="secondary small" onClick={() => setAsk('rotate')}>
              Make a new link
            </button>
            <button type="button" class="secondary small" onClick={() => setAsk('off')}>
              Turn the feed off
            </button>
          </div>
        </>
      ) : (
        <>
          <p class="muted">No feed link shown yet. Making one replaces any link you made before.</p>
          <button type="button" disabled={busy} onClick={() => void create()}>
            {busy ? 'Making the link…' : 'Make my feed link'}
          </button>
        </>
      )}
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <ErrorBanner error={err} />
      {ask === 'rotate' && (
        <ConfirmDialog
          title="Make a new feed link?"
          confirmLabel="Make a new link"
          busyLabel="Making the link…"
          keepLabel="Keep the current link"
          run={async () => {
            await make();
            return true;
          }}
          onDone={(r) => {
            setAsk(null);
            if (r !== null) setSaid('A new link is ready; the old one no longer works.');
          }}
        >
          <p>The current link stops working at once: calendars subscribed to it stop updating until you subscribe to the new one.</p>
        </ConfirmDialog>
      )}
      {ask === 'off' && (
        <ConfirmDialog
          title="Turn the feed off?"
          confirmLabel="Turn it off"
          busyLabel="Turning it off…"
          keepLabel="Keep the feed"
          run={async () => {
            await api.revokeCalendarToken();
            return true;
          }}
          onDone={(r) => {
            setAsk(null);
            if (r) {
              onFeed(null);
              setSaid('The feed is off; its link no longer works.');
            }
          }}
        >
          <p>The link stops working at once. You can make a new one later.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
