// The expert's own profile and session types (PUT /v1/experts/me). Field errors from the API
// ("sessionTypes[1].durationMin", "limits.maxPerDay", "topics[0]") appear next to their fields.
import { useMemo, useState } from 'preact/hooks';
import { api, ApiError, type ExpertProfileInput, type Limits, type SessionType } from '../api';
import { useLoad } from '../load';
import { Link } from '../router';
import { useApp } from '../state';
import { allZones } from '../time';
import { DurationField, ErrorBanner, Loading, Select, TextArea, TextField, errorOf, focusFirstInvalid, useTitle } from '../ui';

const blankType = (n: number): SessionType => ({ id: n === 0 ? 'intro' : `session-${n + 1}`, name: n === 0 ? 'Intro chat' : '', durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0, seats: 1 });

/** The form: every field of the profile filled in, in the shapes the profile comes back in. */
type ProfileForm = Required<Omit<ExpertProfileInput, 'sessionTypes' | 'limits'>> & { sessionTypes: SessionType[]; limits: Limits };

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function ExpertProfile() {
  useTitle('My expert profile');
  const { me, zone } = useApp();
  // The form starts as the saved profile, or a blank one before the first save (404).
  const loaded = useLoad(async (signal) => {
    try {
      const e = await api.myProfile(signal);
      const form: ProfileForm = { headline: e.headline, bio: e.bio ?? '', topics: e.topics, languages: e.languages, timezone: e.timezone, sessionTypes: e.sessionTypes, meetingUrl: e.meetingUrl ?? '', bookingMode: e.bookingMode, limits: e.limits };
      return { form, topics: e.topics.join(', '), languages: e.languages.join(', ') };
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'not_found')) throw e;
      const form: ProfileForm = { headline: '', bio: '', topics: [], languages: ['en'], timezone: me.timezone || zone, sessionTypes: [blankType(0)], meetingUrl: '', bookingMode: 'instant', limits: { minNoticeMin: 240, horizonDays: 60, maxPerDay: 0, maxPerWeek: 0, startIncrementMin: 30 } };
      return { form, topics: '', languages: 'en' };
    }
  }, []);
  const form = loaded.data?.form;
  const topics = loaded.data?.topics ?? '';
  const languages = loaded.data?.languages ?? '';
  const loadErr = loaded.error;
  const edit = (patch: Partial<NonNullable<typeof loaded.data>>) => loaded.setData((d) => ({ form: d!.form, topics: d!.topics, languages: d!.languages, ...patch }));
  const setForm = (f: ProfileForm) => edit({ form: f });
  const setTopics = (v: string) => edit({ topics: v });
  const setLanguages = (v: string) => edit({ languages: v });
  const [err, setErr] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => allZones([zone, form?.timezone ?? '']), [zone, form?.timezone]);

  if (!form) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>My expert profile</h1>
        {loadErr ? <ErrorBanner error={loadErr} /> : <Loading what="Loading your profile…" />}
      </main>
    );
  }
  const set = <K extends keyof ProfileForm>(k: K, v: ProfileForm[K]) => {
    setSaved(false);
    setForm({ ...form, [k]: v });
  };
  const setType = (i: number, patch: Partial<SessionType>) => set('sessionTypes', form.sessionTypes.map((t, j) => (i === j ? { ...t, ...patch } : t)));
  const setLimit = (k: keyof Limits, v: string) => set('limits', { ...form.limits, [k]: Number(v) || 0 });
  const num = (v: string) => Number(v) || 0;

  const save = async () => {
    setSaving(true);
    setErr(null);
    try {
      // The select offers only the steps the document allows (startIncrementMin).
      const e = await api.putMyProfile({ ...form, topics: list(topics), languages: list(languages), limits: form.limits as ExpertProfileInput['limits'] });
      setForm({ ...form, topics: e.topics, languages: e.languages, sessionTypes: e.sessionTypes, limits: e.limits, bookingMode: e.bookingMode });
      setTopics(e.topics.join(', '));
      setSaved(true);
    } catch (e) {
      setErr(e);
      focusFirstInvalid();
    }
    setSaving(false);
  };

  return (
    <main id="main" class="editor">
      <h1 tabIndex={-1}>My expert profile</h1>
      <p>
        Learners see this on <Link href={`/experts/${encodeURIComponent(me.id)}`}>your public page</Link>.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <TextField label="Headline" value={form.headline} onValue={(v) => set('headline', v)} maxLength={120} required error={errorOf(err, 'headline')} />
        <TextArea label="About you" value={form.bio} onValue={(v) => set('bio', v)} rows={4} maxLength={4000} error={errorOf(err, 'bio')} />
        <div class="row">
          <TextField label="Topics" hint="Comma-separated, e.g. go, public speaking" value={topics} onValue={(v) => { setSaved(false); setTopics(v); }} error={errorOf(err, 'topics')} />
          <TextField label="Languages" hint="Language codes, e.g. en, de, pt-BR" value={languages} onValue={(v) => { setSaved(false); setLanguages(v); }} error={errorOf(err, 'languages')} />
        </div>
        <div class="row">
          <Select label="Your time zone" value={form.timezone} onValue={(v) => set('timezone', v)} options={zones} error={errorOf(err, 'timezone')} />
          <TextField label="Meeting link" type="url" hint="Shared with learners once a session is confirmed" value={form.meetingUrl} onValue={(v) => set('meetingUrl', v)} error={errorOf(err, 'meetingUrl')} />
        </div>
        <fieldset>
          <legend>Booking mode</legend>
          <label class="radio">
            <input type="radio" name="mode" checked={form.bookingMode === 'instant'} onChange={() => set('bookingMode', 'instant')} /> Instant: a booking is confirmed at once
          </label>
          <label class="radio">
            <input type="radio" name="mode" checked={form.bookingMode === 'approval'} onChange={() => set('bookingMode', 'approval')} /> Approval: I confirm or decline each request
          </label>
          {errorOf(err, 'bookingMode') && <p class="error">{errorOf(err, 'bookingMode')}</p>}
        </fieldset>

        <fieldset>
          <legend>Session types</legend>
          {errorOf(err, 'sessionTypes', true) && <p class="error">{errorOf(err, 'sessionTypes', true)}</p>}
          {form.sessionTypes.map((t, i) => {
            const f = (k: string) => errorOf(err, `sessionTypes[${i}].${k}`) ?? (k === 'id' ? errorOf(err, `sessionTypes[${i}]`, true) : undefined);
            return (
              <fieldset class="session-type" key={i}>
                <legend>Session type {i + 1}</legend>
                <div class="row">
                  <TextField label="Name" value={t.name} onValue={(v) => setType(i, { name: v })} error={f('name')} />
                  <TextField label="Id" hint="Short code: lower-case letters, digits, dashes" value={t.id} onValue={(v) => setType(i, { id: v })} error={f('id')} class="narrow" />
                </div>
                <div class="row numbers">
                  <TextField label="Minutes" type="number" min={10} max={240} step={5} value={t.durationMin} onValue={(v) => setType(i, { durationMin: num(v) })} error={f('durationMin')} />
                  <TextField label="Buffer before (min)" type="number" min={0} max={60} value={t.bufferBeforeMin} onValue={(v) => setType(i, { bufferBeforeMin: num(v) })} error={f('bufferBeforeMin')} />
                  <TextField label="Buffer after (min)" type="number" min={0} max={60} value={t.bufferAfterMin} onValue={(v) => setType(i, { bufferAfterMin: num(v) })} error={f('bufferAfterMin')} />
                  <TextField label="Seats" type="number" min={1} max={50} value={t.seats} onValue={(v) => setType(i, { seats: num(v) })} error={f('seats')} />
                </div>
                {form.sessionTypes.length > 1 && (
                  <button type="button" class="secondary small" onClick={() => set('sessionTypes', form.sessionTypes.filter((_, j) => j !== i))}>
                    Remove session type {i + 1}
                  </button>
                )}
              </fieldset>
            );
          })}
          {form.sessionTypes.length < 8 && (
            <button type="button" class="secondary small" onClick={() => set('sessionTypes', [...form.sessionTypes, blankType(form.sessionTypes.length)])}>
              Add a session type
            </button>
          )}
        </fieldset>

        <fieldset>
          <legend>Limits</legend>
          <div class="row numbers">
            <DurationField label="Minimum notice" minutes={form.limits.minNoticeMin} onMinutes={(m) => setLimit('minNoticeMin', String(m))} error={errorOf(err, 'limits.minNoticeMin')} hint="How long before a session it can still be booked" />
            <TextField label="Book up to (days ahead)" type="number" min={1} max={365} value={form.limits.horizonDays} onValue={(v) => setLimit('horizonDays', v)} error={errorOf(err, 'limits.horizonDays')} />
            <TextField label="Max per day (0 = no limit)" type="number" min={0} max={24} value={form.limits.maxPerDay} onValue={(v) => setLimit('maxPerDay', v)} error={errorOf(err, 'limits.maxPerDay')} />
            <TextField label="Max per week (0 = no limit)" type="number" min={0} max={100} value={form.limits.maxPerWeek} onValue={(v) => setLimit('maxPerWeek', v)} error={errorOf(err, 'limits.maxPerWeek')} />
          </div>
          <Select
            label="Start times every"
            value={String(form.limits.startIncrementMin)}
            onValue={(v) => setLimit('startIncrementMin', v)}
            options={[5, 10, 15, 20, 30, 60].map((n) => ({ value: String(n), label: `${n} minutes` }))}
            error={errorOf(err, 'limits.startIncrementMin')}
            class="narrow"
          />
        </fieldset>

        <ErrorBanner error={err} shown={['headline', 'bio', 'topics', 'languages', 'timezone', 'meetingUrl', 'bookingMode', 'sessionTypes', 'limits']} />
        <div class="actions sticky-actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save profile'}
          </button>
          <span role="status" class="saved-note">
            {saved ? 'Profile saved.' : ''}
          </span>
        </div>
      </form>
    </main>
  );
}
