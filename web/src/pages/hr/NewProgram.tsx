// New program (POST /v1/programs, HR): title, topic, description, cohort size and the
// time-zone spread a cohort may have, the first session on the program's clock, cadence,
// sessions and their length, optional facilitators. A preview lists the sessions as they
// will be (same wall-clock time across DST changes) in HR's zone. Field errors from the API's
// problem+json appear next to their fields; on success the cohort builder opens.
import { DateTime } from 'luxon';
import { useMemo, useState } from 'preact/hooks';
import { ApiError, api, cadences, type Expert } from '../../api';
import { useLoad } from '../../load';
import { Link, navigate } from '../../router';
import { useApp } from '../../state';
import { allZones, formatWhen, zoneLabel } from '../../time';
import { Choice, ErrorBanner, Select, TextArea, TextField, errorOf, focusFirstInvalid } from '../../ui';
import { previewTimes } from '../../cohort';
import { emptyProgramForm, programBody, type ProgramForm } from './programForm';

const cadenceLabel = { weekly: 'Weekly', biweekly: 'Every two weeks', monthly: 'Monthly' } as const;
const fields = ['title', 'topic', 'description', 'cohortSize', 'start', 'timezone', 'cadence', 'sessions', 'sessionMin', 'facilitators', 'maxSpreadHours'];

export function NewProgram() {
  const { zone, setNotice } = useApp();
  const [f, setF] = useState<ProgramForm>(() => emptyProgramForm(zone));
  // Facilitators are optional: without the list of experts the form still works.
  const experts = useLoad((signal) => api.experts({ limit: 50 }, signal).then((r) => r.items, (): Expert[] => []), []).data ?? [];
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const zones = useMemo(() => allZones([zone, f.timezone]), [zone, f.timezone]);
  const set = (patch: Partial<ProgramForm>) => setF({ ...f, ...patch });

  const submit = async () => {
    setBusy(true);
    setErr(null);
    const { body, errors } = programBody(f);
    try {
      if (errors.length) throw new ApiError({ status: 400, code: 'invalid', title: 'Invalid program', detail: 'Some fields are not filled in correctly.', fields: errors });
      const p = await api.createProgram(body);
      setNotice(`${p.title} is open for enrollment. Build cohorts once people have enrolled.`, `/hr/programs/${p.id}`);
      navigate(`/hr/programs/${encodeURIComponent(p.id)}`);
    } catch (e) {
      setErr(e);
      setBusy(false);
      focusFirstInvalid();
    }
  };
  const sessionMin = Number(f.sessionMin) || 0;
  const preview = previewTimes(f.start, f.timezone, f.cadence, Number(f.sessions) || 0);
  const end = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).plus({ minutes: sessionMin }).toISO() ?? iso;

  return (
    <form
      class="card form-card editor new-program"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <TextField label="Title" value={f.title} onValue={(v) => set({ title: v })} maxLength={120} error={errorOf(err, 'title')} required />
      <TextField label="Topic" value={f.topic} onValue={(v) => set({ topic: v })} placeholder="e.g. leadership" hint="One topic; letters, digits and dashes (spaces become dashes)." error={errorOf(err, 'topic')} required />
      <TextArea label="Description" value={f.description} onValue={(v) => set({ description: v })} maxLength={2000} rows={3} error={errorOf(err, 'description')} />
      <fieldset>
        <legend>Cohorts</legend>
        <div class="row numbers">
          <TextField label="Cohort size" type="number" min={2} max={50} value={f.cohortSize} onValue={(v) => set({ cohortSize: v })} hint="2–50 people; cohorts differ by at most one." error={errorOf(err, 'cohortSize')} />
          <TextField label="Largest time-zone spread (hours)" type="number" min={1} max={26} step={0.5} value={f.maxSpreadHours} onValue={(v) => set({ maxSpreadHours: v })} hint="1–26: how far apart members’ clocks may be." error={errorOf(err, 'maxSpreadHours')} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Sessions</legend>
        <div class="row">
          <TextField label="First session" type="datetime-local" value={f.start} onValue={(v) => set({ start: v })} hint="On the program’s clock (below)." error={errorOf(err, 'start')} required />
          <Select label="Program time zone" value={f.timezone} onValue={(v) => set({ timezone: v })} options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))} hint="Later sessions keep the first one’s time here." error={errorOf(err, 'timezone')} />
        </div>
        <Choice legend="Cadence" name="cadence" value={f.cadence} onValue={(v) => set({ cadence: v })} options={cadences.map((c) => ({ value: c, label: cadenceLabel[c] }))} error={errorOf(err, 'cadence')} />
        <div class="row numbers">
          <TextField label="Number of sessions" type="number" min={1} max={52} value={f.sessions} onValue={(v) => set({ sessions: v })} hint="1–52" error={errorOf(err, 'sessions')} />
          <TextField label="Session length (minutes)" type="number" min={15} max={240} step={5} value={f.sessionMin} onValue={(v) => set({ sessionMin: v })} hint="15–240, in steps of 5" error={errorOf(err, 'sessionMin')} />
        </div>
        {preview.length > 0 && (
          <div class="preview" aria-live="polite">
            <p class="hint">
              In your time zone, {zoneLabel(zone)}:
            </p>
            <ol class="session-lines">
              {preview.slice(0, 4).map((t) => (
                <li key={t}>{formatWhen(t, end(t), zone)}</li>
              ))}
              {preview.length > 4 && <li class="muted">and {preview.length - 4} more</li>}
            </ol>
          </div>
        )}
      </fieldset>
      {experts.length > 0 && (
        <fieldset class={errorOf(err, 'facilitators') ? 'has-error' : ''}>
          <legend>Facilitators (optional)</legend>
          <div class="pills">
            {experts.map((x) => (
              <label class="pill pill-check" key={x.id}>
                <input
                  type="checkbox"
                  checked={f.facilitators.includes(x.id)}
                  onChange={(e) => set({ facilitators: e.currentTarget.checked ? [...f.facilitators, x.id] : f.facilitators.filter((id) => id !== x.id) })}
                />
                <span>{x.name}</span>
              </label>
            ))}
          </div>
          {errorOf(err, 'facilitators') && <p class="error">{errorOf(err, 'facilitators')}</p>}
        </fieldset>
      )}
      <ErrorBanner error={err} shown={fields} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create program'}
        </button>
        <Link class="button secondary" href="/hr/programs">
          Cancel
        </Link>
      </div>
    </form>
  );
}
