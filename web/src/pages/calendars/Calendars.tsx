// Calendars (/calendars): the calendars Tandem reads busy times from (an iCalendar
// subscription URL or a CalDAV calendar), each with its health in plain words (last sync, next
// sync, the last error, busy times kept while it cannot be read), sync now, remove; a form to
// connect one; and the outgoing feed of Tandem sessions (Feed.tsx).
import { useRef, useState } from 'preact/hooks';
import { api, type CalendarConnection, type CalendarFeed, type CalendarKind } from '../../api';
import { health, kindLabel } from '../../calendars';
import { useLoad } from '../../load';
import { serverNow, useApp } from '../../state';
import { Checkbox, Choice, ConfirmDialog, Empty, ErrorBanner, Loading, TextField, errorOf, focusFirstInvalid, useTitle } from '../../ui';
import { Feed } from './Feed';
import '../../feat.css';

const badgeClass = { ok: 'badge-ok', error: 'badge-error', pending: 'badge-pending-sync' } as const;

function ConnectionCard({ c, onChange, onRemove }: { c: CalendarConnection; onChange: (c: CalendarConnection) => void; onRemove: (c: CalendarConnection) => void }) {
  const { zone } = useApp();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [said, setSaid] = useState('');
  const h = health(c, zone, serverNow(zone));
  const sync = async () => {
    setBusy(true);
    setErr(null);
    setSaid('');
    try {
      const next = await api.syncCalendar(c.id);
      onChange(next);
      setSaid(next.status === 'error' ? `“${next.name}” could not be read: ${next.lastError ?? ''}` : `“${next.name}” synced: ${next.events} busy times.`);
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  return (
    <li class={`card calendar-card state-${h.state}`} data-calendar={c.id} data-status={c.status}>
      <h3 id={`cal-${c.id}`} tabIndex={-1}>
        {c.name} <span class={`badge ${badgeClass[h.state]}`}>{h.badge}</span>
      </h3>
      <p class="muted">
        {kindLabel[c.kind]} at {c.host}
      </p>
      <ul class="health">
        {h.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="small" disabled={busy} onClick={() => void sync()} aria-describedby={`cal-${c.id}`}>
          {busy ? 'Syncing…' : 'Sync now'}
        </button>
        <button type="button" class="danger small" disabled={busy} onClick={() => onRemove(c)} aria-describedby={`cal-${c.id}`}>
          Remove
        </button>
      </div>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <ErrorBanner error={err} />
    </li>
  );
}

const emptyForm = { kind: 'ics' as CalendarKind, name: '', url: '', username: '', password: '', writeBack: false };

function ConnectForm({ onConnected }: { onConnected: (c: CalendarConnection) => void }) {
  const [f, setF] = useState(emptyForm);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const set = (patch: Partial<typeof emptyForm>) => setF((x) => ({ ...x, ...patch }));
  const submit = async () => {
    setBusy(true);
    setErr(null);
    try {
      const c = await api.connectCalendar(
        f.kind === 'caldav' ? { kind: 'caldav', name: f.name.trim(), url: f.url.trim(), username: f.username, password: f.password, writeBack: f.writeBack } : { kind: 'ics', name: f.name.trim(), url: f.url.trim() },
      );
      setF(emptyForm);
      onConnected(c);
    } catch (e) {
      setErr(e);
      focusFirstInvalid();
    }
    setBusy(false);
  };
  const caldav = f.kind === 'caldav';
  return (
    <form
      class="card connect-form"
      aria-labelledby="connect-h"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
    >
      <h2 id="connect-h">Connect a calendar</h2>
      <Choice
        legend="What kind"
        name="kind"
        value={f.kind}
        onValue={(kind) => set({ kind })}
        options={[
          { value: 'ics', label: 'Subscription link (Google, Outlook, Apple, Fastmail)' },
          { value: 'caldav', label: 'CalDAV (iCloud, Fastmail, Nextcloud, company server)' },
        ]}
        error={errorOf(err, 'kind')}
      />
      <TextField label="Name" value={f.name} onValue={(name) => set({ name })} error={errorOf(err, 'name')} hint="How it is called here, e.g. Work calendar." maxLength={80} required />
      <TextField
        label={caldav ? 'CalDAV calendar URL' : 'Secret address in iCal format'}
        type="url"
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        value={f.url}
        onValue={(url) => set({ url })}
        error={errorOf(err, 'url')}
        hint={
          caldav
            ? 'The address of one calendar on the server (https://…). Your password is stored encrypted and never shown again.'
            : 'From your calendar’s settings (Google: “Secret address in iCal format”; Outlook: “Publish a calendar”, the ICS link). It is kept secret: only its host is shown here.'
        }
        required
      />
      {caldav && (
        <>
          <TextField label="User name" autoComplete="username" value={f.username} onValue={(username) => set({ username })} error={errorOf(err, 'username')} />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={f.password}
            onValue={(password) => set({ password })}
            error={errorOf(err, 'password')}
            hint="Use an app-specific password where your provider offers one (iCloud and Fastmail do)."
          />
          <Checkbox label="Also put my confirmed Tandem sessions into this calendar" checked={f.writeBack} onValue={(writeBack) => set({ writeBack })} error={errorOf(err, 'writeBack')} />
        </>
      )}
      <p class="hint">Tandem uses it to know when you are busy: those times are not offered to learners. It is read every 10 minutes, and when you open your availability.</p>
      <ErrorBanner error={err} shown={['kind', 'name', 'url', 'username', 'password', 'writeBack']} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Connecting and reading it…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}

export function Calendars() {
  useTitle('Calendars');
  const list = useLoad((signal) => api.calendars(signal), []);
  const [feed, setFeed] = useState<CalendarFeed | null | undefined>(undefined);
  const [removing, setRemoving] = useState<CalendarConnection | null>(null);
  const [said, setSaid] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const items = list.data?.items ?? [];
  const shownFeed = feed !== undefined ? feed : (list.data?.feed ?? null);

  const put = (c: CalendarConnection) => list.setData((d) => ({ ...d, items: (d?.items ?? []).map((x) => (x.id === c.id ? c : x)) }));
  const connected = (c: CalendarConnection) => {
    list.setData((d) => ({ ...d, items: [c, ...(d?.items ?? []).filter((x) => x.id !== c.id)] }));
    setSaid(c.status === 'error' ? `Connected “${c.name}”, but it could not be read: ${c.lastError ?? ''}` : `Connected “${c.name}”.`);
    requestAnimationFrame(() => document.getElementById(`cal-${c.id}`)?.focus());
  };

  return (
    <main id="main">
      <h1 tabIndex={-1}>Calendars</h1>
      <section aria-labelledby="mine-h">
        <h2 id="mine-h" ref={heading} tabIndex={-1}>
          Calendars that block your times
        </h2>
        <p>Connect the calendars your week really lives in, and learners cannot book you when you are in another meeting.</p>
        <p class="visually-hidden" role="status">
          {said}
        </p>
        <ErrorBanner error={list.error} />
        {list.loading && !list.data && <Loading what="Loading your calendars…" />}
        {list.data && items.length === 0 && <Empty>No calendars connected yet.</Empty>}
        <ul class="cards" aria-label="Connected calendars">
          {items.map((c) => (
            <ConnectionCard key={c.id} c={c} onChange={put} onRemove={setRemoving} />
          ))}
        </ul>
        <ConnectForm onConnected={connected} />
      </section>
      <Feed feed={shownFeed} onFeed={setFeed} />
      {removing && (
        <ConfirmDialog
          title={`Remove “${removing.name}”?`}
          confirmLabel="Remove"
          busyLabel="Removing…"
          keepLabel="Keep it"
          run={async () => {
            await api.removeCalendar(removing.id);
            return removing;
          }}
          onDone={(r) => {
            setRemoving(null);
            if (!r) return;
            list.setData((d) => ({ ...d, items: (d?.items ?? []).filter((x) => x.id !== r.id) }));
            setSaid(`Removed “${r.name}”.`);
            requestAnimationFrame(() => heading.current?.focus());
          }}
        >
          <p>Its busy times stop blocking your slots at once{removing.writeBack ? ', and Tandem stops writing sessions into it' : ''}.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
