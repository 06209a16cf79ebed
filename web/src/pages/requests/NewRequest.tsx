// Post a learning request (POST /v1/requests): what to learn, for how long, when suits the
// learner (weekly windows on their own clock, sent with their zone), language and urgency.
// Field errors from the API ("topics[1]", "preferredTimes[0].weekday") appear in place; a
// refusal for the open-requests cap (at most 5 open at once) says so in words, with a link
// to My requests where the learner can close one.
import { useState } from 'preact/hooks';
import { api, weekdays, type PreferredTime, type RequestInput, type Urgency, type Weekday } from '../../api';
import { Link, navigate } from '../../router';
import { useApp } from '../../state';
import { formatDuration, zoneLabel } from '../../time';
import { requestRefusal } from '../../refusal';
import { Choice, ErrorBanner, RefusalBanner, Select, TextArea, TextField, errorOf, focusFirstInvalid, useTitle } from '../../ui';
import { urgencyText } from '../../components/Requests';

const dayNames: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const durations = [15, 30, 45, 60, 90, 120];
const hours = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).map((h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }));

/** splitTopics reads "Go, distributed systems" as ["go", "distributed-systems"]. */
export function splitTopics(s: string): string[] {
  return s
    .split(',')
    .map((t) => t.trim().toLowerCase().replace(/\s+/g, '-'))
    .filter(Boolean);
}

/** topicErrors names each topic's error by the topic ("distributed-systems" is listed twice). */
function topicErrors(err: unknown, topics: string[]): string | undefined {
  const whole = errorOf(err, 'topics', true);
  const each = topics.map((t, i) => {
    const m = errorOf(err, `topics[${i}]`);
    return m ? `“${t}” ${m}` : '';
  });
  return [whole, ...each].filter(Boolean).join('; ') || undefined;
}

export function NewRequest() {
  useTitle('New learning request');
  const { zone, setNotice } = useApp();
  const [topics, setTopics] = useState('');
  const [goal, setGoal] = useState('');
  const [durationMin, setDuration] = useState(60);
  const [times, setTimes] = useState<PreferredTime[]>([{ weekday: 'tue', startHour: 9, endHour: 12 }]);
  const [language, setLanguage] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('normal');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);

  const refusal = requestRefusal(err);

  const setTime = (i: number, patch: Partial<PreferredTime>) => setTimes(times.map((t, j) => (i === j ? { ...t, ...patch } : t)));
  const submit = async () => {
    setBusy(true);
    setErr(null);
    const body: RequestInput = { topics: splitTopics(topics), goal: goal.trim(), durationMin, preferredTimes: times, language: language.trim(), urgency, timezone: zone };
    try {
      const r = await api.createRequest(body);
      setNotice('Your request is posted. Here are the experts who fit it best; experts who share a topic can also offer you times.', `/requests/${r.id}`);
      navigate(`/requests/${encodeURIComponent(r.id)}`);
    } catch (e) {
      setErr(e);
      setBusy(false);
      focusFirstInvalid();
    }
  };

  return (
    <main id="main" class="editor new-request">
      <h1 tabIndex={-1}>New learning request</h1>
      <p>
        Say what you want to learn. Tandem suggests experts and explains why; experts who share a topic see your request on their board and can offer times.{' '}
        <Link href="/requests">Back to my requests</Link>
      </p>
      <form
        class="card form-card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField label="Topics" value={topics} onValue={setTopics} placeholder="e.g. negotiation, public speaking" hint="One to a few topics, separated by commas." error={topicErrors(err, splitTopics(topics))} required />
        <TextArea label="What do you want to get out of it?" value={goal} onValue={setGoal} maxLength={2000} rows={4} error={errorOf(err, 'goal')} hint="Your goal helps experts decide whether they are the right person." />
        <div class="row">
          <Select label="Session length" value={String(durationMin)} onValue={(v) => setDuration(Number(v))} options={durations.map((d) => ({ value: String(d), label: formatDuration(d) }))} error={errorOf(err, 'durationMin')} />
          <TextField label="Language (optional)" value={language} onValue={setLanguage} placeholder="e.g. en, de, pt-BR" error={errorOf(err, 'language')} />
        </div>
        <Choice legend="How soon?" name="urgency" value={urgency} onValue={setUrgency} options={(['low', 'normal', 'high'] as const).map((u) => ({ value: u, label: urgencyText[u] }))} error={errorOf(err, 'urgency')} />

        <fieldset class={`preferred${errorOf(err, 'preferredTimes', true) ? ' has-error' : ''}`}>
          <legend>Times that suit you</legend>
          <p class="hint">
            On your clock: <strong>{zoneLabel(zone)}</strong>. Experts see them in their own zone.
          </p>
          {errorOf(err, 'preferredTimes', true) && <p class="error">{errorOf(err, 'preferredTimes', true)}</p>}
          {times.length === 0 && <p class="muted">Any time is fine.</p>}
          {times.map((t, i) => (
            <div class="interval preferred-time" key={i} role="group" aria-label={`Time ${i + 1}`}>
              <Select label="Day" value={t.weekday} onValue={(v) => setTime(i, { weekday: v as Weekday })} options={weekdays.map((d) => ({ value: d, label: dayNames[d] }))} error={errorOf(err, `preferredTimes[${i}].weekday`)} />
              <Select label="From" value={String(t.startHour)} onValue={(v) => setTime(i, { startHour: Number(v) })} options={hours(0, 23)} error={errorOf(err, `preferredTimes[${i}]`, true)} />
              <Select label="To" value={String(t.endHour)} onValue={(v) => setTime(i, { endHour: Number(v) })} options={hours(1, 24)} />
              <button type="button" class="secondary small remove" onClick={() => setTimes(times.filter((_, j) => j !== i))} aria-label={`Remove time ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          {times.length < 21 && (
            <button type="button" class="secondary small" onClick={() => setTimes([...times, { weekday: 'thu', startHour: 9, endHour: 12 }])}>
              Add a time
            </button>
          )}
        </fieldset>

        {refusal ? (
          <>
            <RefusalBanner refusal={refusal} />
            <p>
              <Link href="/requests">Go to My requests to close one</Link>
            </p>
          </>
        ) : (
          <ErrorBanner error={err} shown={['topics', 'goal', 'durationMin', 'language', 'urgency', 'preferredTimes']} />
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Posting…' : 'Post request and see matches'}
          </button>
          <Link class="button secondary" href="/requests">
            Cancel
          </Link>
        </div>
      </form>
    </main>
  );
}
