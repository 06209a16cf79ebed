// Weekly availability editor: several intervals per day, date overrides, time off
// (PUT /v1/experts/me/availability), with a preview of the next 7 days of slots as learners see
// them, refreshed after every save.
import { useMemo, useState } from 'preact/hooks';
import { api, ApiError, weekdays, type Expert, type LocalInterval, type Schedule, type Weekday } from '../api';
import { useLoad } from '../load';
import { CalendarSync } from './calendars/CalendarSync';
import { Link } from '../router';
import { learnServerNow, serverNow, useApp } from '../state';
import { allZones, formatDay, formatLongDay, fromLocalInput, groupByDay, toLocalInput, zoneLabel, type Week } from '../time';
import { Empty, ErrorBanner, Loading, Select, TextField, errorOf, focusFirstInvalid, useTitle } from '../ui';

const dayNames: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

const emptySchedule = (timezone: string): Schedule => ({
  timezone,
  weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
  overrides: [],
  timeOff: [],
});

// <input type="time"> cannot show 24:00, so an end of "24:00" (midnight, the end of the day)
// is edited as 00:00.
const endToInput = (v: string) => (v === '24:00' ? '00:00' : v);
const endFromInput = (v: string) => (v === '00:00' ? '24:00' : v);

function Intervals(p: {
  label: string;
  field: string;
  list: LocalInterval[];
  onChange: (l: LocalInterval[]) => void;
  err: unknown;
  empty: string;
}) {
  const set = (i: number, patch: Partial<LocalInterval>) => p.onChange(p.list.map((iv, j) => (i === j ? { ...iv, ...patch } : iv)));
  const whole = errorOf(p.err, p.field, true);
  return (
    <div class="intervals">
      {p.list.length === 0 && <p class="muted">{p.empty}</p>}
      {whole && <p class="error">{whole}</p>}
      {p.list.map((iv, i) => {
        const f = `${p.field}[${i}]`;
        return (
          <div class="interval" key={i} role="group" aria-label={`${p.label}, hours ${i + 1}`}>
            <TextField label="From" type="time" value={iv.start} onValue={(v) => set(i, { start: v })} error={errorOf(p.err, `${f}.start`)} required />
            <TextField label="To" type="time" value={endToInput(iv.end)} onValue={(v) => set(i, { end: endFromInput(v) })} error={errorOf(p.err, `${f}.end`) ?? errorOf(p.err, f, true)} required />
            <button type="button" class="secondary small remove" onClick={() => p.onChange(p.list.filter((_, j) => j !== i))} aria-label={`Remove ${p.label} hours ${i + 1}`}>
              Remove
            </button>
          </div>
        );
      })}
      {p.list.length < 8 && (
        <button
          type="button"
          class="secondary small"
          onClick={() => {
            const last = p.list[p.list.length - 1];
            const next = last && last.end < '23:00' && last.end !== '24:00' ? { start: last.end, end: addHour(last.end) } : { start: '09:00', end: '17:00' };
            p.onChange([...p.list, next]);
          }}
        >
          Add hours{p.list.length ? '' : ` on ${p.label}`}
        </button>
      )}
    </div>
  );
}

function addHour(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return `${String(Math.min(h + 1, 24)).padStart(2, '0')}:${h + 1 >= 24 ? '00' : String(m).padStart(2, '0')}`;
}

export function Availability() {
  useTitle('My availability');
  const { me, zone } = useApp();
  // The schedule being edited starts as the saved one (an empty week in the profile's zone
  // before the first save); the profile (null before it exists) feeds the preview.
  const loaded = useLoad(async (signal) => {
    const notFound = (e: unknown) => (e instanceof ApiError && e.code === 'not_found' ? null : Promise.reject(e));
    const [profile, saved] = await Promise.all([api.myProfile(signal).catch(notFound), api.myAvailability(signal).catch(notFound)]);
    return { profile, sch: saved ?? emptySchedule(profile?.timezone || me.timezone || zone) };
  }, []);
  const sch = loaded.data?.sch;
  const profile = loaded.data?.profile;
  const loadErr = loaded.error;
  const setSch = (s: Schedule) => loaded.setData((d) => ({ profile: d?.profile ?? null, sch: s }));
  const [err, setErr] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const zones = useMemo(() => allZones([zone, sch?.timezone ?? '']), [zone, sch?.timezone]);

  if (!sch) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>My availability</h1>
        {loadErr ? <ErrorBanner error={loadErr} /> : <Loading what="Loading your availability…" />}
      </main>
    );
  }
  const update = (s: Schedule) => {
    setSaved(false);
    setSch(s);
  };
  const save = async () => {
    setSaving(true);
    setErr(null);
    try {
      setSch(await api.putMyAvailability(sch));
      setSaved(true);
      setRefresh((n) => n + 1);
    } catch (e) {
      setErr(e);
      focusFirstInvalid();
    }
    setSaving(false);
  };
  const tomorrow = serverNow(sch.timezone).plus({ days: 1 }).toISODate() ?? '';

  return (
    <main id="main" class="editor availability">
      <h1 tabIndex={-1}>My availability</h1>
      <CalendarSync onSynced={() => setRefresh((n) => n + 1)} />
      <div class="two-col">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          noValidate
        >
          <Select label="Hours are in time zone" value={sch.timezone} onValue={(v) => update({ ...sch, timezone: v })} options={zones} error={errorOf(err, 'timezone')} hint="Weekly hours and dates below are wall-clock times in this zone." />

          <fieldset class="weekly">
            <legend>Weekly hours</legend>
            <p class="hint">An end of 00:00 means midnight at the end of the day.</p>
            {weekdays.map((d) => (
              <fieldset class="weekday" key={d} data-day={d}>
                <legend>{dayNames[d]}</legend>
                <Intervals label={dayNames[d]} field={`weekly.${d}`} list={sch.weekly[d]} err={err} empty="Not available" onChange={(l) => update({ ...sch, weekly: { ...sch.weekly, [d]: l } })} />
              </fieldset>
            ))}
          </fieldset>

          <fieldset class="overrides">
            <legend>Date overrides</legend>
            <p class="hint">Different hours on one date; no hours means closed that day.</p>
            {sch.overrides.length === 0 && <p class="muted">No overrides.</p>}
            {sch.overrides.map((o, i) => (
              <fieldset class="override" key={i} data-override={i}>
                <legend>Override {i + 1}</legend>
                <TextField
                  label="Date"
                  type="date"
                  value={o.date}
                  onValue={(v) => update({ ...sch, overrides: sch.overrides.map((x, j) => (i === j ? { ...x, date: v } : x)) })}
                  error={errorOf(err, `overrides[${i}].date`)}
                  class="narrow"
                />
                <Intervals
                  label={o.date || `override ${i + 1}`}
                  field={`overrides[${i}].intervals`}
                  list={o.intervals}
                  err={err}
                  empty="Closed all day"
                  onChange={(l) => update({ ...sch, overrides: sch.overrides.map((x, j) => (i === j ? { ...x, intervals: l } : x)) })}
                />
                <button type="button" class="secondary small" onClick={() => update({ ...sch, overrides: sch.overrides.filter((_, j) => j !== i) })}>
                  Remove override {i + 1}
                </button>
              </fieldset>
            ))}
            <button type="button" class="secondary small" onClick={() => update({ ...sch, overrides: [...sch.overrides, { date: tomorrow, intervals: [] }] })}>
              Add a date override
            </button>
          </fieldset>

          <fieldset class="time-off">
            <legend>Time off</legend>
            <p class="hint">No sessions at all in these ranges (times in {zoneLabel(sch.timezone)}).</p>
            {sch.timeOff.length === 0 && <p class="muted">No time off.</p>}
            {sch.timeOff.map((t, i) => {
              const setT = (patch: Partial<{ start: string; end: string }>) => update({ ...sch, timeOff: sch.timeOff.map((x, j) => (i === j ? { ...x, ...patch } : x)) });
              const e = errorOf(err, `timeOff[${i}]`);
              return (
                <div class="interval" key={i} role="group" aria-label={`Time off ${i + 1}`}>
                  <TextField label="From" type="datetime-local" value={t.start ? toLocalInput(t.start, sch.timezone) : ''} onValue={(v) => setT({ start: fromLocalInput(v, sch.timezone) ?? '' })} error={e} />
                  <TextField label="Until" type="datetime-local" value={t.end ? toLocalInput(t.end, sch.timezone) : ''} onValue={(v) => setT({ end: fromLocalInput(v, sch.timezone) ?? '' })} />
                  <button type="button" class="secondary small remove" onClick={() => update({ ...sch, timeOff: sch.timeOff.filter((_, j) => j !== i) })} aria-label={`Remove time off ${i + 1}`}>
                    Remove
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                const start = serverNow(sch.timezone).plus({ days: 1 }).startOf('day');
                update({ ...sch, timeOff: [...sch.timeOff, { start: start.toUTC().toISO() ?? '', end: start.plus({ days: 1 }).toUTC().toISO() ?? '' }] });
              }}
            >
              Add time off
            </button>
          </fieldset>

          <ErrorBanner error={err} shown={['timezone', 'weekly', 'overrides', 'timeOff']} />
          <div class="actions sticky-actions">
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : 'Save availability'}
            </button>
            <span role="status" class="saved-note">
              {saved ? 'Availability saved. The preview shows the result.' : ''}
            </span>
          </div>
        </form>
        <Preview profile={profile ?? null} zone={zone} refresh={refresh} />
      </div>
    </main>
  );
}

/** Preview lists the next 7 days of slots as a learner in zone would see them. */
function Preview({ profile, zone, refresh }: { profile: Expert | null; zone: string; refresh: number }) {
  const [typeId, setTypeId] = useState(profile?.sessionTypes[0]?.id ?? '');
  const { data: days, error: err } = useLoad(async (signal) => {
    if (!profile || !typeId) return null;
    const list = await api.slots(profile.id, { from: '', to: '', sessionType: typeId, tz: zone }, signal);
    learnServerNow(list.from);
    const start = serverNow(zone).startOf('day');
    const week: Week = { zone, start, end: start.plus({ days: 7 }), days: Array.from({ length: 7 }, (_, i) => start.plus({ days: i })) };
    return groupByDay(list.slots, week);
  }, [profile?.id, typeId, zone, refresh]);

  return (
    <aside class="preview card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview: your next 7 days</h2>
      {!profile ? (
        <Empty>
          <Link href="/expert/profile">Create your profile</Link> first: slots depend on your session types and limits.
        </Empty>
      ) : (
        <>
          <Select label="As booked for" value={typeId} onValue={setTypeId} options={profile.sessionTypes.map((t) => ({ value: t.id, label: `${t.name} (${t.durationMin} min)` }))} />
          <p class="zone-note">Times in {zoneLabel(zone)}, after minimum notice and existing bookings.</p>
          <ErrorBanner error={err} />
          {!days && !err && <Loading what="Loading the preview…" />}
          {days && (
            <ol class="preview-days" aria-live="polite">
              {days.map((d) => (
                <li key={d.date} data-date={d.date}>
                  <h3>
                    <abbr title={formatLongDay(d.day)}>{formatDay(d.day)}</abbr> <span class="muted">{d.slots.length ? `${d.slots.length} slots` : 'none'}</span>
                  </h3>
                  {d.slots.length > 0 && <p class="preview-times">{d.slots.map((s) => s.label).join(' · ')}</p>}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </aside>
  );
}
