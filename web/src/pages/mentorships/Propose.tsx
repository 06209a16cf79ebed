// Propose a mentorship (POST /v1/mentorships): a learner asks an expert (?expert=ID, with
// ?request=ID when it starts from their request's match), or an expert invites a learner they
// have met (?learner=ID&name=…). The agreement: 1-5 goals each with how progress will be
// judged, cadence, length, one of the expert's one-to-one session types, a weekday and a time
// window on the learner's clock. The form checks what the API checks (agreement.ts) and shows
// each problem next to its field, the server's field errors included.
import { useState } from 'preact/hooks';
import { api, ApiError, type Agreement, type SessionType } from '../../api';
import { useLoad } from '../../load';
import { Link, navigate, useLocation } from '../../router';
import { useApp } from '../../state';
import { formatDuration, isZone, zoneLabel } from '../../time';
import { Choice, ErrorBanner, Loading, Select, TextArea, TextField, errorOf, focusFirstInvalid, useTitle } from '../../ui';
import { CADENCE_NAMES, MAX_GOALS, MAX_MONTHS, WEEKDAYS, WEEKDAY_NAMES, checkAgreement, emptyGoal, windowFor } from './agreement';
import './mentorships.css';

export function ProposeMentorship() {
  const { me, zone: viewZone, setNotice } = useApp();
  const { query } = useLocation();
  const expertId = query.get('expert') ?? '';
  const learnerId = query.get('learner') ?? '';
  const requestId = query.get('request') ?? '';
  const asExpert = !expertId && !!learnerId;
  const learnerName = query.get('name') ?? 'the learner';
  const expert = useLoad((signal) => (asExpert ? api.myProfile(signal) : expertId ? api.expert(expertId, signal) : Promise.reject(new Error('Open this form from an expert’s page or a match.'))), [expertId, asExpert]);
  const other = asExpert ? learnerName : (expert.data?.name ?? 'the expert');
  useTitle(asExpert ? `Invite ${learnerName} to a mentorship` : `Propose a mentorship${expert.data ? ` with ${expert.data.name}` : ''}`);

  // The learner's clock: a learner proposes in their saved zone (else the one they view in); an
  // expert's proposal leaves it to the server, which takes the learner's saved zone.
  const learnerZone = asExpert ? '' : isZone(me.timezone) ? me.timezone : viewZone;
  const types: SessionType[] = (expert.data?.sessionTypes ?? []).filter((t) => t.seats <= 1);
  const [a, setA] = useState<Agreement>({
    goals: [emptyGoal()],
    cadence: 'biweekly',
    months: 3,
    sessions: 0,
    sessionType: '',
    weekday: 'tue',
    window: { start: '09:00', end: '12:00' },
  });
  const sessionType = a.sessionType || types[0]?.id || '';
  const st = types.find((t) => t.id === sessionType);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (p: Partial<Agreement>) => setA((x) => ({ ...x, ...p }));
  const setGoal = (i: number, p: Partial<{ title: string; measure: string }>) => setA((x) => ({ ...x, goals: x.goals.map((g, j) => (j === i ? { ...g, ...p } : g)) }));
  const fe = (f: string) => errorOf(err, f, true);

  const submit = async (e: Event) => {
    e.preventDefault();
    const agreement: Agreement = { ...a, sessionType, ...(learnerZone ? { timezone: learnerZone } : {}) };
    const problems = checkAgreement(agreement, st?.durationMin);
    if (problems.length > 0) {
      setErr(new ApiError({ status: 400, code: 'invalid', title: 'Check the form', detail: 'Some answers need a change: see the fields marked below.', fields: problems }));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      const m = await api.proposeMentorship({
        ...(asExpert ? { learnerId } : { expertId }),
        ...(requestId && !asExpert ? { requestId } : {}),
        agreement,
      });
      setNotice(`Proposal sent. ${other} is asked to accept it; you will see their answer here.`, `/mentorships/${m.id}`);
      navigate(`/mentorships/${encodeURIComponent(m.id)}`);
    } catch (x) {
      setErr(x);
      setBusy(false);
      focusFirstInvalid();
    }
  };

  if (!expert.data) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Propose a mentorship</h1>
        <ErrorBanner error={expert.error} />
        {!expert.error && <Loading what="Loading the expert’s session types…" />}
      </main>
    );
  }
  const viewer = learnerZone ? windowFor({ ...a, timezone: learnerZone }, expert.data.timezone) : null;
  const shown = ['agreement.goals', 'agreement.cadence', 'agreement.months', 'agreement.sessions', 'agreement.sessionType', 'agreement.weekday', 'agreement.window'];
  return (
    <main id="main" class="mentorship propose">
      <p>
        {asExpert ? (
          <Link href="/mentorships">← Mentorships</Link>
        ) : requestId ? (
          <Link href={`/requests/${encodeURIComponent(requestId)}`}>← Your request</Link>
        ) : (
          <Link href={`/experts/${encodeURIComponent(expertId)}`}>← {expert.data.name}</Link>
        )}
      </p>
      <h1 tabIndex={-1}>{asExpert ? `Invite ${learnerName} to a mentorship` : `Propose a mentorship with ${expert.data.name}`}</h1>
      <p class="muted">
        A mentorship is a series of sessions towards goals you agree on. {other} sees this proposal and accepts it; then either of you books the sessions.
        {requestId && !asExpert && (
          <>
            {' '}
            It starts from <Link href={`/requests/${encodeURIComponent(requestId)}`}>your request</Link>.
          </>
        )}
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={err} shown={shown} />
        <fieldset class="card goals">
          <legend>Goals (1-{MAX_GOALS})</legend>
          {fe('agreement.goals') && <p class="error">{fe('agreement.goals')}</p>}
          <ol class="goal-list">
            {a.goals.map((g, i) => (
              <li key={i} class="goal-row" data-goal-row={i}>
                <TextField label={`Goal ${i + 1}`} value={g.title} onValue={(v) => setGoal(i, { title: v })} error={fe(`agreement.goals[${i}].title`)} maxLength={200} hint={i === 0 ? 'What you want to be able to do, e.g. “Lead a design review”.' : undefined} />
                <TextArea label={`How we’ll judge progress on goal ${i + 1}`} value={g.measure} onValue={(v) => setGoal(i, { measure: v })} error={fe(`agreement.goals[${i}].measure`)} rows={2} maxLength={500} />
                {a.goals.length > 1 && (
                  <button type="button" class="secondary small" onClick={() => setA((x) => ({ ...x, goals: x.goals.filter((_, j) => j !== i) }))}>
                    Remove goal {i + 1}
                  </button>
                )}
              </li>
            ))}
          </ol>
          {a.goals.length < MAX_GOALS && (
            <button type="button" class="secondary" onClick={() => setA((x) => ({ ...x, goals: [...x.goals, emptyGoal()] }))}>
              Add a goal
            </button>
          )}
        </fieldset>

        <fieldset class="card rhythm">
          <legend>Rhythm</legend>
          <Choice
            legend="How often"
            name="cadence"
            value={a.cadence}
            options={(['weekly', 'biweekly', 'monthly'] as const).map((c) => ({ value: c, label: CADENCE_NAMES[c]! }))}
            onValue={(v) => set({ cadence: v })}
            error={fe('agreement.cadence')}
          />
          <div class="row numbers">
            <TextField label="Length in months" type="number" min={1} max={MAX_MONTHS} inputMode="numeric" value={a.months} onValue={(v) => set({ months: Number(v) })} error={fe('agreement.months')} />
            <TextField
              label="At most this many sessions"
              type="number"
              min={0}
              max={60}
              inputMode="numeric"
              value={a.sessions ?? 0}
              onValue={(v) => set({ sessions: Number(v) })}
              error={fe('agreement.sessions')}
              hint="0: every one that fits in the length."
            />
          </div>
          <Select
            label="Session type"
            value={sessionType}
            onValue={(v) => set({ sessionType: v })}
            options={types.map((t) => ({ value: t.id, label: `${t.name} (${formatDuration(t.durationMin)})` }))}
            error={fe('agreement.sessionType')}
            hint={types.length === 0 ? `${asExpert ? 'You offer' : `${expert.data.name} offers`} no one-to-one session type, so no mentorship can be proposed.` : 'One-to-one session types only.'}
          />
        </fieldset>

        <fieldset class="card when">
          <legend>When</legend>
          <p class="hint" id="zone-hint">
            {learnerZone ? `Times are on your clock, ${zoneLabel(learnerZone)}.` : `Times are on ${learnerName}’s clock (their saved time zone).`} The series keeps this local time across daylight-saving changes.
          </p>
          <Select label="Day" value={a.weekday} onValue={(v) => set({ weekday: v as Agreement['weekday'] })} options={WEEKDAYS.map((d) => ({ value: d, label: WEEKDAY_NAMES[d]! }))} error={fe('agreement.weekday')} />
          <div class="row numbers">
            <TextField label="Earliest start" type="time" step={900} value={a.window.start} onValue={(v) => setA((x) => ({ ...x, window: { ...x.window, start: v } }))} error={fe('agreement.window.start') ?? fe('agreement.window')} />
            <TextField label="Latest end" type="time" step={900} value={a.window.end} onValue={(v) => setA((x) => ({ ...x, window: { ...x.window, end: v } }))} error={fe('agreement.window.end')} />
          </div>
          {viewer && (
            <p class="muted" data-testid="expert-clock">
              For {expert.data.name.split(' ')[0]} ({zoneLabel(expert.data.timezone)}) that is {viewer} this week.
            </p>
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy || types.length === 0}>
            {busy ? 'Sending…' : asExpert ? 'Send the invitation' : 'Send the proposal'}
          </button>
        </div>
      </form>
    </main>
  );
}
