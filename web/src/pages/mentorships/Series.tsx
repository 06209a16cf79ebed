// The series of a mentorship: book it (POST …/schedule with the first date and the local
// start), then each session in the viewer's zone with its state. A booked session ahead can
// be skipped (its booking cancelled by agreement) or moved (…/move: a nearby free time of the
// expert, or any date and time). A session that could not be booked says why and offers the
// nearest free starts the API found (one click books it there: …/book), other free times near
// it, or trying its own time again.
import { useState } from 'preact/hooks';
import { DateTime } from 'luxon';
import { api, type Expert, type Mentorship, type Occurrence, type OccurrenceFailure } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { bookingRefusal } from '../../refusal';
import { formatDuration, formatInstant, formatWhen, fromLocalInput, inZone, toLocalInput, zoneLabel } from '../../time';
import { ConfirmDialog, ErrorBanner, Loading, RefusalBanner, Select, TextField, StatusBadge } from '../../ui';
import { WEEKDAY_NAMES, failureText } from './agreement';

interface Props {
  m: Mentorship;
  expert: Expert | null;
  zone: string;
  now: number;
  onChanged: (m: Mentorship | null) => void;
}

const clockMin = (s: string) => {
  const [h, mi] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (mi ?? 0);
};
const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

export function Series({ m, expert, zone, now, onChanged }: Props) {
  const a = m.agreement;
  const st = expert?.sessionTypes.find((t) => t.id === a.sessionType);
  const dur = st?.durationMin ?? 30;
  const step = expert?.limits.startIncrementMin || 30;
  const starts: string[] = [];
  for (let t = clockMin(a.window.start); t + dur <= clockMin(a.window.end); t += step) starts.push(hhmm(t));
  if (starts.length === 0) starts.push(a.window.start);
  const tz = a.timezone || zone;
  const [from, setFrom] = useState('');
  const [time, setTime] = useState('');
  const [failures, setFailures] = useState<Record<number, OccurrenceFailure>>({});
  const [result, setResult] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState<{ index: number; mode: 'move' | 'book' } | null>(null);
  const [skipping, setSkipping] = useState<Occurrence | null>(null);
  const open = m.status === 'active' || m.status === 'paused';

  const schedule = async (body: { from?: string; time?: string }) => {
    setBusy(true);
    setErr(null);
    try {
      const r = await api.scheduleMentorship(m.id, body);
      setFailures((f) => ({ ...f, ...Object.fromEntries(r.failed.map((x) => [x.index, x])) }));
      const total = r.booked.length + r.failed.length;
      setResult(
        r.failed.length === 0
          ? `All ${total} ${total === 1 ? 'session is' : 'sessions are'} booked.`
          : `${r.booked.length} of ${total} booked. ${r.failed.length === 1 ? 'One session' : `${r.failed.length} sessions`} could not be booked: pick another time below.`,
      );
      onChanged(r.mentorship);
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const sorted = [...m.occurrences].sort((x, y) => x.index - y.index);
  return (
    <section class="card series" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      <ErrorBanner error={err} shown={['from', 'time']} />
      {result && (
        <p class="banner success" role="status" data-testid="schedule-result">
          {result}
        </p>
      )}
      {m.status === 'active' && sorted.length === 0 && (
        <form
          class="schedule-form"
          onSubmit={(e) => {
            e.preventDefault();
            void schedule({ ...(from ? { from } : {}), ...(time ? { time } : {}) });
          }}
        >
          <p class="muted">
            Book every session of the agreement at once: each {WEEKDAY_NAMES[a.weekday]} at the start you pick, on the agreement’s clock ({zoneLabel(tz)}). A session that cannot be booked is shown with other free times.
          </p>
          <div class="row numbers">
            <TextField label="First session on or after" type="date" value={from} onValue={setFrom} hint="Empty: from tomorrow." />
            <Select label={`Start time (${tz.replace(/_/g, ' ')})`} value={time || starts[0]!} onValue={setTime} options={starts} />
          </div>
          <button type="submit" disabled={busy}>
            {busy ? 'Booking…' : 'Book the sessions'}
          </button>
        </form>
      )}
      {m.status === 'paused' && sorted.length === 0 && <p class="muted">Resume the mentorship to book its sessions.</p>}
      {sorted.length === 0 && m.status === 'closed' && <p class="muted">No sessions were booked.</p>}
      {sorted.length > 0 && (
        <ol class="occurrences" aria-label="Sessions of the series">
          {sorted.map((o) => {
            const end = inZone(o.start, zone).plus({ minutes: dur }).toUTC().toISO() ?? o.start;
            const ahead = Date.parse(o.start) > now;
            const f = failures[o.index];
            const label = `session ${o.index + 1}`;
            return (
              <li key={o.index} data-occurrence={o.index} data-state={o.state} class={`occurrence occ-${o.state}`}>
                <div class="occ-head">
                  <span class="occ-n">Session {o.index + 1}</span> <strong class="occ-when">{formatWhen(o.start, end, zone)}</strong>{' '}
                  {o.state === 'booked' && o.bookingStatus ? <StatusBadge status={o.bookingStatus} /> : <span class={`badge occ-badge-${o.state}`}>{OCC[o.state]}</span>}
                  {o.state === 'booked' && o.bookingId && (
                    <>
                      {' '}
                      <Link href={`/bookings/${encodeURIComponent(o.bookingId)}`} aria-label={`Details of ${label}`}>
                        details
                      </Link>
                    </>
                  )}
                </div>
                {o.state === 'failed' && <p class="occ-reason">Not booked: {failureText(f?.reason ?? o.reason, f?.message)}</p>}
                {open && o.state === 'booked' && ahead && o.bookingStatus !== 'cancelled' && (
                  <div class="actions">
                    <button type="button" class="secondary small" aria-label={`Move ${label}`} aria-expanded={picking?.index === o.index} onClick={() => setPicking(picking?.index === o.index ? null : { index: o.index, mode: 'move' })}>
                      Move
                    </button>
                    <button type="button" class="secondary small" aria-label={`Skip ${label}`} onClick={() => setSkipping(o)}>
                      Skip
                    </button>
                  </div>
                )}
                {m.status === 'active' && o.state === 'failed' && (
                  <div class="actions alternatives" aria-label={`Other times for ${label}`} role="group">
                    {(f?.alternatives ?? []).map((alt) => (
                      <AltButton key={alt} label={`Book ${label} at ${formatInstant(alt, zone)}`} text={`Book ${formatInstant(alt, zone)}`} run={() => api.bookOccurrence(m.id, o.index, alt)} onDone={onChanged} />
                    ))}
                    <button type="button" class="secondary small" aria-expanded={picking?.index === o.index} onClick={() => setPicking(picking?.index === o.index ? null : { index: o.index, mode: 'book' })}>
                      {f?.alternatives.length ? 'Other times…' : 'Find another time…'}
                    </button>
                    <button type="button" class="secondary small" disabled={busy} aria-label={`Try ${label} at its own time again`} onClick={() => void schedule({})}>
                      Try again
                    </button>
                  </div>
                )}
                {picking?.index === o.index && (
                  <OtherTimes
                    m={m}
                    o={o}
                    zone={zone}
                    dur={dur}
                    now={now}
                    mode={picking.mode}
                    onCancel={() => setPicking(null)}
                    onDone={(x) => {
                      setPicking(null);
                      onChanged(x);
                    }}
                  />
                )}
              </li>
            );
          })}
        </ol>
      )}
      {st && <p class="muted small-text">Each session: {st.name}, {formatDuration(st.durationMin)}. Times in {zoneLabel(zone, sorted[0] ? inZone(sorted[0].start, zone) : undefined)}.</p>}
      {skipping && (
        <ConfirmDialog
          title={`Skip session ${skipping.index + 1}?`}
          confirmLabel="Skip this session"
          busyLabel="Skipping…"
          keepLabel="Keep it"
          run={() => api.skipOccurrence(m.id, skipping.index)}
          onDone={(x) => {
            setSkipping(null);
            if (x) onChanged(x);
          }}
        >
          <p>
            {formatInstant(skipping.start, zone)}: its booking is cancelled and the time is freed. A skip you agree on does not count against the mentorship’s health.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

const OCC: Record<Occurrence['state'], string> = { booked: 'Booked', failed: 'Not booked', skipped: 'Skipped', cancelled: 'Cancelled' };

function AltButton({ label, text, run, onDone }: { label: string; text: string; run: () => Promise<Mentorship>; onDone: (m: Mentorship) => void }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        class="small"
        aria-label={label}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setErr(null);
          run().then(onDone, (e: unknown) => {
            setErr(e);
            setBusy(false);
          });
        }}
      >
        {text}
      </button>
      {err ? <RefusalOrError err={err} /> : null}
    </>
  );
}

function RefusalOrError({ err }: { err: unknown }) {
  const r = bookingRefusal(err);
  return r ? <RefusalBanner refusal={r} /> : <ErrorBanner error={err} />;
}

/** OtherTimes: the expert's free times near an occurrence (3 days either side), or any date and time. */
function OtherTimes(p: { m: Mentorship; o: Occurrence; zone: string; dur: number; now: number; mode: 'move' | 'book'; onCancel: () => void; onDone: (m: Mentorship) => void }) {
  const { m, o, zone } = p;
  const day = inZone(o.start, zone);
  const earliest = DateTime.fromMillis(p.now, { zone });
  const fromDay = DateTime.max(day.minus({ days: 3 }), earliest);
  const slots = useLoad(
    (signal) => api.slots(m.expert.id, { from: fromDay.toISODate() ?? '', to: day.plus({ days: 3 }).toISODate() ?? '', sessionType: m.agreement.sessionType, tz: zone }, signal),
    [m.expert.id, o.start, zone],
  );
  const near = (slots.data?.slots ?? [])
    .filter((s) => s.start !== o.start && Date.parse(s.start) !== Date.parse(o.start))
    .sort((x, y) => Math.abs(Date.parse(x.start) - Date.parse(o.start)) - Math.abs(Date.parse(y.start) - Date.parse(o.start)))
    .slice(0, 6)
    .sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  const [custom, setCustom] = useState(() => toLocalInput(o.start, zone));
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const verb = p.mode === 'move' ? 'Move' : 'Book';
  const go = async (start: string) => {
    setBusy(true);
    setErr(null);
    try {
      p.onDone(p.mode === 'move' ? await api.moveOccurrence(m.id, o.index, start) : await api.bookOccurrence(m.id, o.index, start));
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  const headingId = `other-times-${o.index}`;
  return (
    <div class="other-times" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {verb} session {o.index + 1} to another time
      </h3>
      {err ? <RefusalOrError err={err} /> : null}
      {slots.loading && !slots.data && <Loading what="Finding free times…" />}
      <ErrorBanner error={slots.error} />
      {slots.data && near.length === 0 && <p class="muted">No free time of the expert within three days. Pick a date and time below.</p>}
      {near.length > 0 && (
        <ul class="slot-buttons" aria-label="Free times nearby">
          {near.map((s) => (
            <li key={s.start}>
              <button type="button" class="secondary small" disabled={busy} data-start={s.start} onClick={() => void go(s.start)}>
                {formatInstant(s.start, zone)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="custom-time"
        onSubmit={(e) => {
          e.preventDefault();
          const start = fromLocalInput(custom, zone);
          if (start) void go(start);
          else setErr(new Error('Enter a date and time.'));
        }}
      >
        <TextField label={`Date and time (${zone.replace(/_/g, ' ')})`} type="datetime-local" step={60 * 15} value={custom} onValue={setCustom} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {verb} to this time
          </button>
          <button type="button" class="secondary" onClick={p.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
