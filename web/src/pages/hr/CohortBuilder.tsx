// The cohort builder (HR) for one program: build (POST …/cohorts/build, with a seed so a build
// can be repeated), review the cohorts as cards with their explanations and the comparison
// with random assignment, move members between cohorts (a menu per member), save the moves
// (PUT …/cohorts with the version read; a 409 plan_changed reloads the plan), place people
// who enrolled after the build, and publish after a confirmation (a 409 unplaced names them).
import { useState } from 'preact/hooks';
import { ApiError, api, type CohortPlan, type Program } from '../../api';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { useApp } from '../../state';
import { formatWhen, inZone, zoneLabel } from '../../time';
import { Dialog, Empty, ErrorBanner, Loading, TextField, errorOf } from '../../ui';
import { cadenceText, hoursText, statusText, topicLabel } from '../../cohort';
import { adjustBody, changed, cohortErrors, conflictOf, draftOf, isDirty, moveMember, type Draft, type Target } from './builder';
import { CohortCard, Comparison, Unplaced } from './CohortParts';

type Confirm = 'publish' | 'rebuild' | null;

/** The builder's state: the program, its plan (null until built), the draft arrangement and the seed field. */
interface Builder {
  program: Program;
  plan: CohortPlan | null;
  draft: Draft;
  seed: string;
}

const noDraft: Draft = { cohorts: [], unplaced: [] };
const shown = (p: CohortPlan | null, seed: string): Omit<Builder, 'program'> => ({ plan: p, draft: p ? draftOf(p) : noDraft, seed: p ? String(p.seed) : seed });

export function CohortBuilder({ id }: { id: string }) {
  const { zone, notice } = useApp();
  const loaded = useLoad(async (signal) => {
    const [prog, p] = await Promise.all([
      api.program(id, signal),
      api.cohortPlan(id, signal).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'not_found') return null; // not built yet
        throw e;
      }),
    ]);
    return { program: prog, ...shown(p, '') };
  }, [id]);
  const program = loaded.data?.program;
  const plan = loaded.data?.plan ?? null;
  const draft = loaded.data?.draft ?? noDraft;
  const seed = loaded.data?.seed ?? '';
  const loadErr = loaded.error;
  const edit = (patch: Partial<Builder>) => loaded.setData((d) => ({ ...d!, ...patch }));
  const setProgram = (p: Program) => edit({ program: p });
  const setDraft = (d: Draft) => edit({ draft: d });
  const setSeed = (v: string) => edit({ seed: v });
  /** show puts a plan on screen: its cohorts become the draft, its seed the seed field. */
  const show = (p: CohortPlan | null) => edit(shown(p, seed));
  /** load reads the program and its plan again. */
  const load = loaded.reload;
  const [err, setErr] = useState<unknown>(null);
  const [errIndex, setErrIndex] = useState<number[]>([]);
  const [busy, setBusy] = useState('');
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<Confirm>(null);

  if (!program) return loadErr ? <ErrorBanner error={loadErr} /> : <Loading what="Loading the program…" />;

  const published = program.status === 'published' || plan?.status === 'published';
  // Building can only fail with fewer people enrolled than one cohort holds: say so instead.
  const tooFew = program.enrolled < program.cohortSize;
  const dirty = plan ? isDirty(plan, draft) : false;
  const changedSet = plan ? changed(plan, draft) : new Set<number>();
  const errs = cohortErrors(err, errIndex);
  const start = program.sessionTimes[0] ?? program.start;

  /** run does one action; a 409 plan_changed reloads the plan and says so. */
  const run = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    setErr(null);
    setStatus('');
    try {
      await action();
    } catch (e) {
      setErr(e);
      const kind = conflictOf(e);
      if (kind === 'plan_changed' || kind === 'unplaced' || kind === 'other') {
        await load();
      }
    }
    setBusy('');
  };
  const build = () =>
    run('build', async () => {
      const s = seed.trim();
      if (s !== '' && !/^\d+$/.test(s)) throw new ApiError({ status: 400, code: 'invalid', title: 'Invalid seed', detail: 'The seed is not valid.', fields: [{ field: 'seed', message: 'must be a whole number, or empty for a new one' }] });
      const p = await api.buildCohorts(id, s === '' ? {} : { seed: Number(s) });
      show(p);
      setProgram(await api.program(id));
      setStatus(`Built ${p.cohorts.length} cohorts with seed ${p.seed}.`);
    });
  const save = () =>
    run('save', async () => {
      if (!plan) return;
      const { body, index } = adjustBody(plan.version, draft);
      setErrIndex(index);
      const p = await api.adjustCohorts(id, body);
      show(p);
      setStatus('Saved. The explanations and the comparison are updated.');
    });
  const publish = () =>
    run('publish', async () => {
      if (!plan) return;
      const p = await api.publishCohorts(id, plan.version);
      show(p);
      setProgram(await api.program(id));
      setStatus('Published. Members now see their cohort and its sessions.');
    });
  const move = (memberId: string, to: Target) => {
    const next = moveMember(draft, memberId, to);
    setDraft(next);
    const name = [...draft.unplaced, ...draft.cohorts.flat()].find((m) => m.id === memberId)?.name ?? memberId;
    const where = to === 'new' ? next.cohorts.length - 1 : to;
    setStatus(`Moved ${name} to cohort ${where + 1}. Not saved yet.`);
    // Keep the keyboard where the member went.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-cohort="${where + 1}"] [data-member="${CSS.escape(memberId)}"] select`)?.focus());
  };
  const conflict = conflictOf(err);

  return (
    <div class="builder">
      <p>
        <Link href="/hr/programs">All programs</Link>
      </p>
      <h2>{program.title}</h2>
      {notice && (
        <p class="banner success" role="status">
          {notice}
        </p>
      )}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{statusText[program.status]}</dd>
        <dt>Topic</dt>
        <dd>{topicLabel(program.topic)}</dd>
        <dt>Schedule</dt>
        <dd>
          {cadenceText(program)}, from {formatWhen(start, inZone(start, zone).plus({ minutes: program.sessionMin }).toISO() ?? start, zone)} (your time, {zoneLabel(zone, inZone(start, zone))})
        </dd>
        <dt>Cohorts</dt>
        <dd>
          groups of {program.cohortSize}, time zones at most {hoursText(program.maxSpreadHours)} apart
        </dd>
        <dt>Enrolled</dt>
        <dd>{program.enrolled === 1 ? '1 person' : `${program.enrolled} people`}</dd>
      </dl>

      {!published && (
        <section class="card build" aria-labelledby="build-h">
          <h3 id="build-h">{plan ? 'Rebuild' : 'Build cohorts'}</h3>
          <p class="hint">Cohorts mix departments, prefer people who have not met, and keep members’ clocks within the spread limit. The same seed and enrollees give the same cohorts.</p>
          <div class="row build-row">
            <TextField label="Seed" inputMode="numeric" value={seed} onValue={setSeed} hint="Empty: a new seed." error={errorOf(err, 'seed')} />
            <button
              type="button"
              disabled={busy !== '' || tooFew}
              aria-describedby={tooFew ? 'build-why' : undefined}
              onClick={() => (plan && (dirty || plan.adjusted) ? setConfirm('rebuild') : void build())}
            >
              {busy === 'build' ? 'Building…' : plan ? 'Rebuild cohorts' : 'Build cohorts'}
            </button>
          </div>
          {tooFew && (
            <p class="hint" id="build-why">
              {program.enrolled === 0 ? 'Nobody has enrolled yet' : `Only ${program.enrolled === 1 ? '1 person has' : `${program.enrolled} people have`} enrolled`}: at least {program.cohortSize} must enrol before cohorts can be built.
            </p>
          )}
        </section>
      )}

      {conflict === 'plan_changed' && (
        <div class="banner error-banner" role="alert">
          <p>
            <strong>Someone changed these cohorts since you loaded them</strong> (saved or rebuilt them). The latest cohorts are shown now; your unsaved moves were dropped, so make them again if they are still needed.
          </p>
        </div>
      )}
      {conflict === 'unplaced' && (
        <div class="banner error-banner" role="alert">
          <p>
            <strong>Not published: some enrollees are in no cohort.</strong> Rebuild, or place them below and save, then publish.
          </p>
          <ul>
            {(err as ApiError).fields.map((f, i) => (
              <li key={i}>{f.message}</li>
            ))}
          </ul>
        </div>
      )}
      {conflict !== 'plan_changed' && conflict !== 'unplaced' && (
        <>
          <ErrorBanner error={err} shown={['seed', 'cohorts']} />
          {errs.get(-1) && (
            <div class="banner error-banner" role="alert">
              <ul>
                {errs.get(-1)!.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      <p role="status" class={status ? 'banner success' : 'visually-hidden-when-empty'}>
        {status}
      </p>

      {!plan && <Empty>No cohorts yet. {program.enrolled < program.cohortSize ? `At least ${program.cohortSize} people need to enroll before cohorts can be built.` : 'Build them to see the proposal.'}</Empty>}
      {plan && (
        <>
          <p class="muted plan-meta">
            {plan.status === 'published' ? `Published ${inZone(plan.publishedAt ?? plan.builtAt, zone).toFormat('ccc d LLL yyyy, HH:mm')}` : 'Draft'} · built {inZone(plan.builtAt, zone).toFormat('ccc d LLL yyyy, HH:mm')} with <span data-seed={plan.seed}>seed {plan.seed}</span>
            {plan.adjusted ? ' · adjusted by hand' : ''}
          </p>
          {published && <p class="banner success">These cohorts are published: enrollment is closed and members see their cohort.</p>}
          <Unplaced members={draft.unplaced} count={draft.cohorts.length} editable={!published} at={start} onMove={move} />
          <Comparison measures={plan.measures} baseline={plan.baseline} maxSpreadHours={program.maxSpreadHours} stale={dirty} />
          <h3 class="cohorts-h">Cohorts</h3>
          <ul class="cards cohort-grid" aria-label="Cohorts">
            {draft.cohorts.map((members, i) => (
              <CohortCard
                key={i}
                index={i}
                members={members}
                saved={plan.cohorts[i]}
                changed={changedSet.has(i) || i >= plan.cohorts.length}
                errors={errs.get(i) ?? []}
                count={draft.cohorts.length}
                editable={!published}
                maxSpreadHours={program.maxSpreadHours}
                at={start}
                onMove={move}
              />
            ))}
          </ul>
          {!published && (
            <div class="actions sticky-actions">
              <button type="button" disabled={!dirty || busy !== ''} onClick={() => void save()}>
                {busy === 'save' ? 'Saving…' : 'Save adjustments'}
              </button>
              <button type="button" class="secondary" disabled={!dirty || busy !== ''} onClick={() => (setErr(null), show(plan), setStatus('Changes discarded.'))}>
                Discard changes
              </button>
              <button type="button" disabled={dirty || busy !== ''} onClick={() => setConfirm('publish')} aria-describedby="publish-hint">
                {busy === 'publish' ? 'Publishing…' : 'Publish cohorts…'}
              </button>
              <span class="hint" id="publish-hint">
                {dirty ? 'Save or discard your changes before publishing.' : 'Publishing closes enrollment and shows members their cohort.'}
              </span>
            </div>
          )}
        </>
      )}

      {confirm && (
        <Dialog open title={confirm === 'publish' ? `Publish the cohorts of ${program.title}?` : 'Rebuild the cohorts?'} onClose={() => setConfirm(null)}>
          {confirm === 'publish' ? (
            <p>
              Enrollment closes and each of the {draft.cohorts.flat().length} members sees their cohort, who is in it and the session times. The cohorts cannot be changed afterwards.
            </p>
          ) : (
            <p>A rebuild replaces the current cohorts{plan?.adjusted ? ', including your saved adjustments' : ''}{dirty ? ' and drops your unsaved moves' : ''}.</p>
          )}
          <div class="actions">
            <button
              type="button"
              onClick={() => {
                const which = confirm;
                setConfirm(null);
                void (which === 'publish' ? publish() : build());
              }}
            >
              {confirm === 'publish' ? 'Publish' : 'Rebuild'}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
