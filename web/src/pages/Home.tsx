// Each role lands on its own work. Learners: the next session, open requests and the times
// experts offered, suggested experts. Experts: requests waiting for approval pinned first with
// their deadlines (approve or decline here), today and the rest of this week (a group session
// is one entry with its seats), the board's newest requests. HR: key figures of the last
// months and links to the reports.
import { useState } from 'preact/hooks';
import { api, type Booking } from '../api';
import { ReasonDialog } from '../components/Bookings';
import { Rating } from '../components/Rating';
import { useLoad } from '../load';
import { Link } from '../router';
import { entries, byDay, seatCount, split, type Entry } from '../schedule';
import { hasRole, learnServerNow, serverClockKnown, serverNow, useApp } from '../state';
import { formatInstant, formatTime, formatWhen, inZone } from '../time';
import { figure, type MetricKey } from './hr/format';
import { Empty, ErrorBanner, Loading, StatusBadge, useTitle } from '../ui';
import { MentorshipsPanel } from './mentorships/Summary';

export function Home() {
  const { me } = useApp();
  if (hasRole(me, 'expert')) return <ExpertHome />;
  if (hasRole(me, 'hr')) return <HrHome />;
  return <LearnerHome />;
}

const first = (name: string) => name.split(' ')[0] ?? name;

function LearnerHome() {
  const { me, zone } = useApp();
  useTitle('Home');
  const sessions = useLoad((signal) => api.bookings({ as: 'learner', when: 'upcoming', limit: 20 }, signal), []);
  const requests = useLoad((signal) => api.requests('', signal), []);
  const open = (requests.data?.items ?? []).filter((r) => r.status === 'open' || r.status === 'offered');
  const topic = open[0]?.topics[0] ?? '';
  const experts = useLoad((signal) => api.experts({ limit: 4, ...(topic ? { topic } : {}) }, signal), [topic]);
  const next = (sessions.data?.items ?? []).filter((b) => b.status === 'confirmed' || b.status === 'pending').sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return (
    <main id="main" class="home">
      <h1 tabIndex={-1}>Hello, {first(me.name)}</h1>
      <div class="home-grid">
        <section class="panel" aria-labelledby="next-h">
          <h2 id="next-h">Your next session</h2>
          <ErrorBanner error={sessions.error} />
          {sessions.loading && !sessions.data && <Loading what="Loading your sessions…" />}
          {sessions.data && next.length === 0 && (
            <Empty>
              Nothing booked. <Link href="/experts">Find an expert</Link> and pick a time.
            </Empty>
          )}
          {next[0] && (
            <div class="card session" data-booking={next[0].id}>
              <p class="when">
                <strong>{formatWhen(next[0].start, next[0].end, zone)}</strong> <StatusBadge status={next[0].status} offer={next[0].offer} />
              </p>
              <p>
                {next[0].sessionType.name} with <Link href={`/experts/${encodeURIComponent(next[0].expert.id)}`}>{next[0].expert.name}</Link>
              </p>
              {next[0].meetingUrl && (
                <p>
                  <a href={next[0].meetingUrl} rel="noopener noreferrer" target="_blank">
                    Meeting link
                  </a>
                </p>
              )}
            </div>
          )}
          {next.length > 1 && <p class="muted">and {next.length - 1} more coming up.</p>}
          <p>
            <Link href="/sessions">See all your sessions</Link>
          </p>
        </section>
        <section class="panel" aria-labelledby="req-h">
          <h2 id="req-h">Your requests</h2>
          <ErrorBanner error={requests.error} />
          {requests.loading && !requests.data && <Loading what="Loading your requests…" />}
          {requests.data && open.length === 0 && <Empty>No open requests.</Empty>}
          <ul class="plain-list">
            {open.map((r) => (
              <li key={r.id} data-request={r.id}>
                <Link href={`/requests/${encodeURIComponent(r.id)}`}>{r.goal || r.topics.join(', ')}</Link>{' '}
                {r.status === 'offered' ? (
                  <strong class="badge badge-pending">
                    {(r.offers ?? []).length} {(r.offers ?? []).length === 1 ? 'offer' : 'offers'}: pick a time
                  </strong>
                ) : (
                  <span class="muted">waiting for offers, open until {formatInstant(r.expiresAt, zone)}</span>
                )}
              </li>
            ))}
          </ul>
          <p>
            <Link href="/requests/new">Ask for help with something new</Link>
          </p>
        </section>
      </div>
      <MentorshipsPanel me={me.id} zone={zone} now={serverNow('UTC').toMillis()} />
      <section class="panel" aria-labelledby="sugg-h">
        <h2 id="sugg-h">{topic ? `Experts in ${topic.replace(/-/g, ' ')}` : 'Experts you could book'}</h2>
        <ErrorBanner error={experts.error} />
        {experts.loading && !experts.data && <Loading what="Loading experts…" />}
        <ul class="cards suggested">
          {(experts.data?.items ?? [])
            .filter((e) => e.id !== me.id)
            .slice(0, 3)
            .map((e) => (
              <li class="card" key={e.id}>
                <p>
                  <Link href={`/experts/${encodeURIComponent(e.id)}`}>
                    <strong>{e.name}</strong>
                  </Link>{' '}
                  <span class="muted">{e.department}</span>
                </p>
                <p class="small-text">{e.headline}</p>
                <p class="small-text">
                  <Rating e={e} />
                </p>
              </li>
            ))}
        </ul>
        <p>
          <Link href="/experts">Find more experts</Link>
        </p>
      </section>
    </main>
  );
}

function ExpertHome() {
  const { me, zone } = useApp();
  useTitle('Home');
  const list = useLoad(async (signal) => {
    // "Today" is the server's (tandem dev -now may differ from the device): a slot listing
    // without a range starts at the server's now.
    if (!serverClockKnown()) await api.slots(me.id, { from: '', to: '', tz: zone }, signal).then((l) => learnServerNow(l.from), () => undefined);
    return api.bookings({ as: 'expert', when: 'upcoming', limit: 50 }, signal);
  }, []);
  const board = useLoad((signal) => api.board('', signal), []);
  const [busy, setBusy] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [declining, setDeclining] = useState<Booking | null>(null);
  const replace = (b: Booking) => list.setData((d) => ({ items: (d?.items ?? []).map((x) => (x.id === b.id ? b : x)), nextCursor: d?.nextCursor ?? '' }));
  const approve = async (b: Booking) => {
    setBusy(b.id);
    setErr(null);
    try {
      replace(await api.confirm(b.id));
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };
  const s = split(list.data?.items ?? []);
  const today = serverNow(zone).startOf('day');
  const week = byDay(s.live, zone, today, 7 - (today.weekday - 1));
  const later = s.live.filter((b) => inZone(b.start, zone) >= today.endOf('week'));
  return (
    <main id="main" class="home">
      <h1 tabIndex={-1}>Hello, {first(me.name)}</h1>
      <ErrorBanner error={list.error ?? err} />
      {list.loading && !list.data && <Loading what="Loading your schedule…" />}
      {s.approve.length > 0 && (
        <section class="panel pinned" aria-labelledby="approve-h">
          <h2 id="approve-h">Waiting for your approval ({s.approve.length})</h2>
          <ul class="cards">
            {s.approve.map((b) => (
              <li class="card session" key={b.id} data-booking={b.id}>
                <p class="when">
                  <strong>{formatWhen(b.start, b.end, zone)}</strong>
                </p>
                <p>
                  {b.sessionType.name} with <strong>{b.learner.name}</strong> <span class="muted">({b.learner.department})</span>
                </p>
                {b.note && <p class="muted note-text">“{b.note}”</p>}
                {b.holdUntil && <p class="deadline">Answer by {formatInstant(b.holdUntil, zone)}, or the time is released.</p>}
                <div class="actions">
                  <button type="button" class="small" disabled={busy === b.id} onClick={() => void approve(b)}>
                    Approve
                  </button>
                  <button type="button" class="danger small" disabled={busy === b.id} onClick={() => setDeclining(b)}>
                    Decline
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div class="home-grid">
        <section class="panel" aria-labelledby="week-h">
          <h2 id="week-h">Today and this week</h2>
          {list.data && (
            <ol class="agenda">
              {week.map((d, i) => (
                <li key={d.day.toISODate()} data-date={d.day.toISODate()}>
                  <h3>{i === 0 ? `Today, ${d.day.toLocaleString({ weekday: 'long', day: 'numeric', month: 'short' })}` : d.day.toLocaleString({ weekday: 'long', day: 'numeric', month: 'short' })}</h3>
                  {d.items.length === 0 ? <p class="muted small-text">Nothing booked.</p> : <AgendaItems list={d.items} zone={zone} />}
                </li>
              ))}
            </ol>
          )}
          {later.length > 0 && <p class="muted">{later.length} more after this week.</p>}
          <p>
            <Link href="/expert/schedule">Open the full calendar</Link> · <Link href="/expert/availability">Change your hours</Link>
          </p>
        </section>
        <section class="panel" aria-labelledby="board-h">
          <h2 id="board-h">Newest on the request board</h2>
          <ErrorBanner error={board.error} />
          {board.loading && !board.data && <Loading what="Loading the board…" />}
          {board.data && board.data.items.length === 0 && <Empty>No open requests on your topics.</Empty>}
          <ul class="plain-list">
            {(board.data?.items ?? []).slice(0, 4).map((r) => (
              <li key={r.id}>
                <Link href={`/expert/board/${encodeURIComponent(r.id)}`}>{r.goal || r.topics.join(', ')}</Link>{' '}
                <span class="muted">
                  {r.learnerName}, {r.learnerDepartment}
                </span>
              </li>
            ))}
          </ul>
          <p>
            <Link href="/expert/board">The whole board</Link>
          </p>
        </section>
      </div>
      <MentorshipsPanel me={me.id} zone={zone} now={serverNow('UTC').toMillis()} />
      {declining && (
        <ReasonDialog
          title="Decline this request?"
          summary={`${declining.sessionType.name} with ${declining.learner.name}, ${formatWhen(declining.start, declining.end, zone)}`}
          confirmLabel="Decline request"
          keepLabel="Go back"
          run={(reason) => api.decline(declining.id, reason)}
          onDone={(b) => {
            if (b) replace(b);
            setDeclining(null);
          }}
        />
      )}
    </main>
  );
}

/** AgendaItems: a day's sessions, a group session as one line with its seats. */
function AgendaItems({ list, zone }: { list: Booking[]; zone: string }) {
  return (
    <ul class="agenda-items">
      {entries(list).map((e: Entry) => (
        <li key={e.kind === 'group' ? e.circleId : e.b.id} data-booking={e.b.id}>
          <strong>{formatTime(inZone(e.b.start, zone))}</strong> {e.b.sessionType.name}{' '}
          {e.kind === 'group' ? (
            <Link href={`/circles/${encodeURIComponent(e.circleId)}`}>group session, {seatCount(e.seats)}</Link>
          ) : (
            <>
              with {e.b.learner.name} {e.b.status === 'pending' && <StatusBadge status={e.b.status} offer={e.b.offer} />}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

const HR_FIGURES: { key: MetricKey; label: string }[] = [
  { key: 'booked', label: 'Sessions booked' },
  { key: 'hoursDelivered', label: 'Hours delivered' },
  { key: 'activeLearners', label: 'Active learners' },
  { key: 'completionRate', label: 'Completion' },
  { key: 'csat', label: 'Satisfaction (CSAT)' },
  { key: 'timeToMatchMedianHours', label: 'Time to match' },
];

function HrHome() {
  const { me } = useApp();
  useTitle('Home');
  const report = useLoad((signal) => api.utilization({ groupBy: 'month' }, signal), []);
  return (
    <main id="main" class="home">
      <h1 tabIndex={-1}>Hello, {first(me.name)}</h1>
      <section class="panel" aria-labelledby="kpi-home-h">
        <h2 id="kpi-home-h">Key figures{report.data ? `, ${report.data.from} to ${report.data.to}` : ''}</h2>
        <ErrorBanner error={report.error} />
        {report.loading && !report.data && <Loading what="Loading the figures…" />}
        {report.data && (
          <dl class="kpis">
            {HR_FIGURES.map((f) => (
              <div class="kpi" key={f.key}>
                <dt>{f.label}</dt>
                <dd>{figure(report.data!.total, f.key).text}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section class="panel" aria-labelledby="reports-h">
        <h2 id="reports-h">Reports and tools</h2>
        <ul class="plain-list">
          <li>
            <Link href="/hr">Dashboard</Link> <span class="muted">trends, departments, experts, connections, coaching budget, CSV</span>
          </li>
          <li>
            <Link href="/hr/programs">Programs and cohorts</Link>
          </li>
          <li>
            <Link href="/hr/settings">Settings</Link> <span class="muted">matching weights, policies, budget</span>
          </li>
        </ul>
      </section>
    </main>
  );
}
