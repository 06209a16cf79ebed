// Progress on the goals (GET …/checkins): each goal's ratings over time and the change from the
// first to the latest, for both sides; the learner's check-in (rate each goal 1-5 at the start,
// after a session, at the end). After closing: each side's final reflection, once (each goal
// achieved 1-5, would recommend, poor fit, a comment); a learner's poor fit on a mentorship
// from their request reopens the request for new matches, and the page says so.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type GoalTrend, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { formatDate } from '../../time';
import { Checkbox, Choice, ErrorBanner, Loading, TextArea, errorOf, focusFirstInvalid } from '../../ui';

const SCALE = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n) }));
const KINDS = [
  { value: 'start' as const, label: 'Starting point' },
  { value: 'session' as const, label: 'After a session' },
  { value: 'end' as const, label: 'At the end' },
];

export function Progress({ m, me, zone, onChanged }: { m: Mentorship; me: string; zone: string; onChanged: () => void }) {
  const progress = useLoad((signal) => api.mentorshipProgress(m.id, signal), [m.id]);
  const isLearner = m.learner.id === me;
  const goals = m.agreement.goals;
  const [kind, setKind] = useState<'start' | 'session' | 'end'>(() => (m.status === 'closed' ? 'end' : 'start'));
  const [ratings, setRatings] = useState<(number | undefined)[]>(() => goals.map(() => undefined));
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const count = progress.data?.items.length ?? 0;
  // After the starting point, a check-in is most often the one after a session.
  useEffect(() => {
    if (count > 0 && m.status !== 'closed') setKind((k) => (k === 'start' ? 'session' : k));
  }, [count > 0]);
  const checkIn = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setSaved(false);
    const missing = ratings.map((r, i) => (r === undefined ? i : -1)).filter((i) => i >= 0);
    if (missing.length > 0) {
      setErr(new ApiError({ status: 400, code: 'invalid', title: 'Rate each goal', detail: 'Rate each goal from 1 to 5.', fields: missing.map((i) => ({ field: `ratings[${i}]`, message: 'must be 1-5' })) }));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    try {
      await api.addCheckIn(m.id, { kind, ratings: ratings as number[] });
      setRatings(goals.map(() => undefined));
      setSaved(true);
      await progress.reload();
      if (kind === 'start') setKind('session');
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card progress" aria-labelledby="progress-h">
      <h2 id="progress-h">Progress</h2>
      {progress.loading && !progress.data && <Loading what="Loading progress…" />}
      <ErrorBanner error={progress.error} />
      {progress.data && (
        <>
          <p class="muted">
            {count === 0 ? `No check-in yet. ${isLearner ? 'Rate where you stand on each goal to set the starting point.' : `${m.learner.name.split(' ')[0]} rates each goal from 1 to 5 at the start and after sessions.`}` : `${count} ${count === 1 ? 'check-in' : 'check-ins'}, the latest on ${formatDate(progress.data.items[count - 1]!.at, zone)}. Ratings from 1 (just starting) to 5 (achieved).`}
          </p>
          <ul class="trends" aria-label="Goals and their ratings">
            {progress.data.goals.map((g, i) => (
              <Trend key={i} g={g} i={i} />
            ))}
          </ul>
        </>
      )}
      {isLearner && m.status !== 'proposed' && (
        <form class="checkin" onSubmit={(e) => void checkIn(e)} aria-labelledby="checkin-h">
          <h3 id="checkin-h">Check in</h3>
          {saved && (
            <p class="banner success" role="status">
              Check-in recorded.
            </p>
          )}
          <ErrorBanner error={err} shown={['ratings', 'kind']} />
          <Choice legend="When" name="kind" value={kind} options={KINDS} onValue={setKind} />
          {goals.map((g, i) => (
            <Choice
              key={i}
              class="scale"
              legend={g.title}
              name={`rating-${i}`}
              value={ratings[i]}
              options={SCALE}
              onValue={(v) => setRatings((rs) => rs.map((r, j) => (j === i ? v : r)))}
              hint={`1 just starting, 5 achieved. Judged by: ${g.measure}`}
              error={errorOf(err, `ratings[${i}]`, true)}
            />
          ))}
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Record check-in'}
          </button>
        </form>
      )}
      {m.status === 'closed' && <Reflection m={m} me={me} onChanged={onChanged} />}
    </section>
  );
}

function Trend({ g, i }: { g: GoalTrend; i: number }) {
  const ratings = g.points.map((p) => p.rating);
  const change = g.change ?? null;
  const changeText = change === null ? '' : change === 0 ? 'no change' : `${change > 0 ? '+' : ''}${change} since the start`;
  return (
    <li data-goal={i} class="trend">
      <p class="trend-title">
        <strong>{g.goal.title}</strong>: <span data-testid="ratings">{ratings.length === 0 ? 'not rated yet' : ratings.join(' → ')}</span>
        {changeText && <span class={`badge ${change! > 0 ? 'badge-confirmed' : change! < 0 ? 'badge-cancelled' : ''}`}> {changeText}</span>}
      </p>
      {ratings.length > 0 && (
        <div class="trend-bars" aria-hidden="true">
          {ratings.map((r, j) => (
            <span key={j} class="trend-bar" style={{ height: `${r * 20}%` }} title={`${g.points[j]!.kind}: ${r}`} />
          ))}
        </div>
      )}
    </li>
  );
}

function Reflection({ m, me, onChanged }: { m: Mentorship; me: string; onChanged: () => void }) {
  const isLearner = m.learner.id === me;
  const mine = isLearner ? m.reflections.learner : m.reflections.expert;
  const theirs = isLearner ? m.reflections.expert : m.reflections.learner;
  const other = isLearner ? m.expert : m.learner;
  const goals = m.agreement.goals;
  const [achieved, setAchieved] = useState<(number | undefined)[]>(() => goals.map(() => undefined));
  const [recommend, setRecommend] = useState<'yes' | 'no' | undefined>(undefined);
  const [poorFit, setPoorFit] = useState(false);
  const [comment, setComment] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rematch, setRematch] = useState<boolean | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    const fields = [
      ...achieved.map((r, i) => (r === undefined ? { field: `goalsAchieved[${i}]`, message: 'must be 1-5' } : null)).filter((x) => x !== null),
      ...(recommend === undefined ? [{ field: 'wouldRecommend', message: 'Choose yes or no.' }] : []),
    ];
    if (fields.length > 0) {
      setErr(new ApiError({ status: 400, code: 'invalid', title: 'Check the form', detail: 'Answer each question to send your reflection.', fields }));
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    try {
      const r = await api.reflect(m.id, { goalsAchieved: achieved as number[], wouldRecommend: recommend === 'yes', poorFit, comment });
      setRematch(r.rematchOffered);
      onChanged();
    } catch (x) {
      setErr(x);
      setBusy(false);
    }
  };
  return (
    <div class="reflection" aria-labelledby="reflection-h" role="region">
      <h3 id="reflection-h">Final reflection</h3>
      {rematch && (
        <p class="banner success" role="status" data-testid="rematch">
          Sorry it was not a good fit. Your request is open again and matched with new experts
          {m.requestId ? (
            <>
              : <Link href={`/requests/${encodeURIComponent(m.requestId)}`}>see your new matches</Link>
            </>
          ) : null}
          .
        </p>
      )}
      {mine ? (
        <div data-testid="my-reflection">
          <p>
            You reflected on {formatDate(mine.createdAt, 'UTC')}: goals achieved {mine.goalsAchieved.join(', ')} (of 5); {mine.wouldRecommend ? 'you would recommend' : 'you would not recommend'} {isLearner ? other.name : 'this pairing'}
            {mine.poorFit ? '; a poor fit' : ''}.
          </p>
          {rematch === null && isLearner && mine.poorFit && m.origin === 'request' && m.requestId && (
            <p>
              <Link href={`/requests/${encodeURIComponent(m.requestId)}`}>Your request</Link> was reopened for new matches.
            </p>
          )}
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <p class="muted">The mentorship is closed. A few answers help you, {other.name.split(' ')[0]} and the next matches; {other.name.split(' ')[0]} sees your ratings, HR only the share who would recommend.</p>
          <ErrorBanner error={err} shown={['goalsAchieved', 'wouldRecommend', 'comment']} />
          {goals.map((g, i) => (
            <Choice
              key={i}
              class="scale"
              legend={`How far was “${g.title}” achieved?`}
              name={`achieved-${i}`}
              value={achieved[i]}
              options={SCALE}
              onValue={(v) => setAchieved((rs) => rs.map((r, j) => (j === i ? v : r)))}
              hint="1 not at all, 5 fully."
              error={errorOf(err, `goalsAchieved[${i}]`, true)}
            />
          ))}
          <Choice
            legend={isLearner ? `Would you recommend ${other.name} as a mentor?` : 'Would you recommend mentoring like this to others?'}
            name="recommend"
            value={recommend}
            options={[
              { value: 'yes' as const, label: 'Yes' },
              { value: 'no' as const, label: 'No' },
            ]}
            onValue={setRecommend}
            error={errorOf(err, 'wouldRecommend', true)}
          />
          <Checkbox
            label="It was a poor fit"
            checked={poorFit}
            onValue={setPoorFit}
            {...(isLearner && m.origin === 'request' ? { hint: 'Your request then reopens for new matches.' } : {})}
          />
          <TextArea label="Comment (optional)" value={comment} onValue={setComment} rows={3} maxLength={2000} error={errorOf(err, 'comment', true)} />
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send reflection'}
          </button>
        </form>
      )}
      <p class="muted small-text">{theirs ? `${other.name} has given their reflection.` : `${other.name} has not given a reflection yet.`}</p>
    </div>
  );
}
