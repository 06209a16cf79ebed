// Programs (GET /v1/programs): the org's cohort programs with topic, cadence, the first
// sessions in the viewer's zone, how many have enrolled and whether enrollment is open.
// Learners enroll (interests and zone, in a dialog) and withdraw while it is open; once the
// cohorts are published an enrolled learner opens their cohort. HR also gets a link to each
// program's cohort builder, an "Archive program" button (after a confirmation: an archived
// program is off every default list and closed to enrolling and cohorts), and a tab with the
// archived programs (GET /v1/programs?status=archived, HR only).
import { useState } from 'preact/hooks';
import { api, type Program } from '../../api';
import { useLoad } from '../../load';
import { Link, useLocation } from '../../router';
import { hasRole, useApp } from '../../state';
import { zoneLabel } from '../../time';
import { ConfirmDialog, Empty, ErrorBanner, Loading, useTitle } from '../../ui';
import { cadenceText, hoursText, sessionLines, statusText, topicLabel } from '../../cohort';
import { EnrollDialog } from './EnrollDialog';

const FIRST = 3; // sessions shown before "and N more"

export function Programs() {
  useTitle('Programs');
  const { me, zone } = useApp();
  const hr = hasRole(me, 'hr');
  // HR may look at the archived programs (?status=archived); everyone else sees the current ones.
  const { query } = useLocation();
  const archived = hr && query.get('status') === 'archived';
  const programs = useLoad((signal) => api.programs(signal, archived ? 'archived' : undefined).then((r) => r.items), [archived]);
  const items = programs.data;
  const [err, setErr] = useState<unknown>(null);
  const [enrolling, setEnrolling] = useState<Program | null>(null);
  const [busy, setBusy] = useState('');
  const [status, setStatus] = useState('');
  const [archiving, setArchiving] = useState<Program | null>(null);
  const load = programs.reload;

  const withdraw = async (p: Program) => {
    setBusy(p.id);
    setErr(null);
    setStatus('');
    try {
      await api.withdraw(p.id);
      setStatus(`You have withdrawn from ${p.title}.`);
      await load();
    } catch (e) {
      setErr(e);
    }
    setBusy('');
  };
  const learner = hasRole(me, 'learner');

  return (
    <main id="main" class="programs">
      <div class="page-head">
        <h1 tabIndex={-1}>Programs</h1>
        {hasRole(me, 'hr') && (
          <Link class="button secondary" href="/hr/programs">
            Manage programs
          </Link>
        )}
      </div>
      {hr && (
        <nav class="tabs" aria-label="Which programs">
          <Link href="/programs" aria-current={archived ? undefined : 'page'}>
            Current
          </Link>
          <Link href="/programs?status=archived" aria-current={archived ? 'page' : undefined}>
            Archived
          </Link>
        </nav>
      )}
      <p class="muted">
        Learn with a small cohort of colleagues from other teams. Times are shown in <strong>{zoneLabel(zone)}</strong>.
      </p>
      <p role="status" class={status ? 'banner success' : 'visually-hidden-when-empty'}>
        {status}
      </p>
      <ErrorBanner error={err ?? programs.error} />
      {!items && !programs.error && <Loading what="Loading programs…" />}
      {items && items.length === 0 && <Empty>{archived ? 'No archived programs.' : 'No programs yet. HR publishes them here when they open.'}</Empty>}
      {items && items.length > 0 && (
        <ul class="cards" aria-label={archived ? 'Archived programs' : 'Programs'}>
          {items.map((p) => {
            const lines = sessionLines(p, zone);
            return (
              <li class="card program-card" key={p.id} data-program={p.id}>
                <p class="when">
                  <span class={`badge badge-prog-${p.status}`}>{statusText[p.status]}</span>
                  {p.enrolledMe && <span class="badge badge-enrolled">You are enrolled</span>}
                </p>
                <h2>{p.title}</h2>
                <ul class="chips" aria-label="Topic">
                  <li class="chip">{topicLabel(p.topic)}</li>
                </ul>
                {p.description && <p class="description">{p.description}</p>}
                <dl class="facts">
                  <dt>How often</dt>
                  <dd>{cadenceText(p)}</dd>
                  <dt>Cohorts</dt>
                  <dd>
                    groups of {p.cohortSize}, time zones at most {hoursText(p.maxSpreadHours)} apart
                  </dd>
                  <dt>Enrolled</dt>
                  <dd>{p.enrolled === 1 ? '1 person' : `${p.enrolled} people`}</dd>
                  <dt>{lines.length > FIRST ? 'First sessions' : 'Sessions'}</dt>
                  <dd>
                    <ul class="session-lines">
                      {lines.slice(0, FIRST).map((l, i) => (
                        <li key={i}>{l}</li>
                      ))}
                      {lines.length > FIRST && <li class="muted">and {lines.length - FIRST} more, the last on {lines[lines.length - 1]}</li>}
                    </ul>
                  </dd>
                </dl>
                <div class="actions">
                  {learner && p.status === 'enrolling' && !p.enrolledMe && (
                    <button type="button" onClick={() => setEnrolling(p)} aria-label={`Enroll in ${p.title}`}>
                      Enroll
                    </button>
                  )}
                  {learner && p.status === 'enrolling' && p.enrolledMe && (
                    <>
                      <button type="button" class="secondary" disabled={busy === p.id} onClick={() => void withdraw(p)} aria-label={`Withdraw from ${p.title}`}>
                        {busy === p.id ? 'Withdrawing…' : 'Withdraw'}
                      </button>
                      <span class="muted">You will see your cohort here once HR publishes the cohorts.</span>
                    </>
                  )}
                  {p.status === 'published' && p.enrolledMe && (
                    <Link class="button" href={`/programs/${encodeURIComponent(p.id)}/cohort`} aria-label={`My cohort in ${p.title}`}>
                      My cohort
                    </Link>
                  )}
                  {p.status === 'published' && !p.enrolledMe && <span class="muted">Enrollment is closed: the cohorts are published.</span>}
                  {p.status === 'archived' && <span class="muted">Archived: closed to enrolling and cohorts.</span>}
                  {hr && p.status !== 'archived' && (
                    <Link class="button secondary" href={`/hr/programs/${encodeURIComponent(p.id)}`} aria-label={`Cohort builder for ${p.title}`}>
                      Cohort builder
                    </Link>
                  )}
                  {hr && p.status !== 'archived' && (
                    <button type="button" class="danger" onClick={() => setArchiving(p)} aria-label={`Archive ${p.title}`}>
                      Archive program
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {archiving && (
        <ConfirmDialog
          title={`Archive “${archiving.title}”?`}
          confirmLabel="Archive program"
          busyLabel="Archiving…"
          keepLabel="Keep it"
          run={() => api.archiveProgram(archiving.id)}
          onDone={(done) => {
            setArchiving(null);
            if (done) {
              setStatus(`${done.title} is archived. It is under Archived now.`);
              void load();
            }
          }}
        >
          <p>
            It leaves the programs list: nobody can enroll in it or withdraw from it any more, and no cohorts can be built for it. People can still read it and a published cohort. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {enrolling && (
        <EnrollDialog
          program={enrolling}
          others={(items ?? []).filter((x) => x.id !== enrolling.id)}
          onClose={(ok) => {
            const p = enrolling;
            setEnrolling(null);
            if (ok) {
              setStatus(`You are enrolled in ${p.title}. You will see your cohort here once HR publishes the cohorts.`);
              void load();
            }
          }}
        />
      )}
    </main>
  );
}
