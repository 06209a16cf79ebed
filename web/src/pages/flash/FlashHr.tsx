// HR's flash mentoring (/hr/flash): set the org's flash round up (who may join, every N weeks,
// the working window in each person's own zone, weekdays, on or paused: PUT /v1/flash), run the
// round in progress now (POST /v1/flash/rounds: once per round; the scheduler runs each round by
// itself too), and see the members and the rounds so far with how many pairs were new to each
// other and across departments.
import { useEffect, useState } from 'preact/hooks';
import { api, type FlashRound } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatInstant } from '../../time';
import { Checkbox, Empty, ErrorBanner, errorOf, Loading, TextField, useTitle } from '../../ui';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function roundLine(r: FlashRound): string {
  const parts = [`${r.proposals} pair${r.proposals === 1 ? '' : 's'} proposed`, `${r.firstCross} new and across departments`];
  if (r.noTime > 0) parts.push(`${r.noTime} without a common free time`);
  if (r.satOut > 0) parts.push(`${r.satOut} sat out`);
  return parts.join(' · ');
}

export function FlashHr() {
  useTitle('Flash mentoring: set up');
  const { zone } = useApp();
  const group = useLoad((signal) => api.flash(signal), []);
  const g = group.data;
  const [departments, setDepartments] = useState('');
  const [weeks, setWeeks] = useState('2');
  const [from, setFrom] = useState('09:00');
  const [to, setTo] = useState('17:00');
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [enabled, setEnabled] = useState(true);
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (!g?.configured) return;
    setDepartments(g.departments.join(', '));
    setWeeks(String(g.everyWeeks));
    setFrom(g.windowStart);
    setTo(g.windowEnd);
    setDays(g.weekdays);
    setEnabled(g.enabled);
  }, [g?.version]);

  const act = async (key: string, fn: () => Promise<string>) => {
    setBusy(key);
    setErr(null);
    setStatus('');
    try {
      setStatus(await fn());
      await group.reload();
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };
  const save = () =>
    act('save', async () => {
      await api.putFlash({
        departments: departments.split(',').map((d) => d.trim()).filter(Boolean),
        everyWeeks: Number(weeks),
        windowStart: from,
        windowEnd: to,
        weekdays: days,
        enabled,
      });
      return 'Flash mentoring saved.';
    });
  const run = () =>
    act('run', async () => {
      const r = await api.runFlashRound();
      return r.created ? `Round ${r.round.index + 1} is made: ${roundLine(r.round)}.` : `Round ${r.round.index + 1} has already run; nothing new was proposed.`;
    });

  return (
    <main id="main" class="flash-hr">
      <div class="page-head">
        <h1 tabIndex={-1}>Flash mentoring: set up</h1>
        <Link class="button secondary" href="/flash">
          Member page
        </Link>
      </div>
      <p class="muted">
        People opt in themselves from the Flash mentoring page. Every round Tandem pairs members who have not met, from different departments, and
        proposes a 30-minute conversation at a time free for both within their working hours (each in their own time zone).
      </p>
      <p role="status" class={status ? 'banner success' : 'visually-hidden-when-empty'}>
        {status}
      </p>
      <ErrorBanner error={err ?? group.error} shown={['everyWeeks', 'windowStart', 'windowEnd', 'weekdays', 'departments']} />
      {!g && !group.error && <Loading what="Loading flash mentoring…" />}
      {g && (
        <form
          class="card"
          aria-label="Flash round"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TextField label="Departments that may join" hint="Comma-separated; empty: everyone." value={departments} onValue={setDepartments} error={errorOf(err, 'departments')} />
          <TextField label="Every N weeks" type="number" min={1} max={12} value={weeks} onValue={setWeeks} error={errorOf(err, 'everyWeeks')} />
          <TextField label="Working hours from (each person's own time)" type="time" step={900} value={from} onValue={setFrom} error={errorOf(err, 'windowStart')} />
          <TextField label="Working hours until" type="time" step={900} value={to} onValue={setTo} error={errorOf(err, 'windowEnd')} />
          <fieldset class="choice">
            <legend>Weekdays</legend>
            <div class="pills">
              {DAYS.map((d, i) => (
                <label class="pill" key={d}>
                  <input type="checkbox" checked={days.includes(i + 1)} onChange={(e) => setDays((ds) => (e.currentTarget.checked ? [...ds, i + 1].sort() : ds.filter((x) => x !== i + 1)))} />
                  <span>{d}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <Checkbox label="Rounds are on" checked={enabled} onValue={setEnabled} />
          <div class="actions">
            <button type="submit" disabled={!!busy}>
              {g.configured ? 'Save' : 'Start flash mentoring'}
            </button>
            {g.configured && (
              <button type="button" class="secondary" disabled={!!busy || !g.enabled} onClick={() => void run()}>
                Run round now
              </button>
            )}
          </div>
        </form>
      )}
      {g?.configured && (
        <>
          <h2>Members ({g.members?.length ?? 0})</h2>
          {(g.members ?? []).length === 0 ? (
            <Empty>Nobody has joined yet.</Empty>
          ) : (
            <ul class="plain" aria-label="Members">
              {(g.members ?? []).map((m) => (
                <li key={m.id}>
                  {m.name} <span class="muted">· {m.department || '—'} · {m.timezone}</span>
                </li>
              ))}
            </ul>
          )}
          <h2>Rounds</h2>
          {(g.rounds ?? []).length === 0 ? (
            <Empty>No round has run yet.</Empty>
          ) : (
            <ul class="plain" aria-label="Rounds">
              {(g.rounds ?? []).map((r) => (
                <li key={r.index} data-round={r.index}>
                  <strong>Round {r.index + 1}</strong> ({formatInstant(r.ranAt, zone)}): {roundLine(r)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </main>
  );
}
