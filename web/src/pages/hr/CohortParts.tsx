// The cohort builder's pieces: the comparison with random assignment, one cohort as a card
// (explanation in words, members with a "move to" menu each) and the enrollees who are in no
// cohort yet. Everything is said in text; nothing depends on colour.
import { useState } from 'preact/hooks';
import type { Cohort, CohortMeasures, CohortMember } from '../../api';
import { inZone, zoneLabel } from '../../time';
import { crossText, eiText, explanationText, hoursText, topicLabel } from '../../cohort';
import { comparison, verdictText, type Target } from './builder';

/** Comparison: "these cohorts vs random assignment" as a table with a verdict per row. */
export function Comparison(p: { measures: CohortMeasures; baseline: CohortMeasures; maxSpreadHours: number; stale: boolean }) {
  const rows = comparison(p.measures, p.baseline, p.maxSpreadHours);
  return (
    <section class="card comparison" aria-labelledby="cmp-h">
      <h2 id="cmp-h">These cohorts vs random assignment</h2>
      <p class="hint">Random assignment: the same people shuffled at random into cohorts of the program’s size, with the same seed. Pairs are compared as shares, since moves can change how many there are.</p>
      {p.stale && <p class="note">These figures are for the saved cohorts; save your changes to update them.</p>}
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" class="num">
                These cohorts
              </th>
              <th scope="col" class="num">
                Random assignment
              </th>
              <th scope="col">Compared</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">
                  {r.label}
                  <div class="muted small-text">{r.hint}</div>
                </th>
                <td class="num">{r.ours}</td>
                <td class="num">{r.random}</td>
                <td class={`verdict verdict-${r.verdict}`}>{verdictText[r.verdict]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** MoveMenu: a labelled select of destinations and a Move button (no drag and drop needed). */
function MoveMenu(p: { member: CohortMember; current: number; count: number; onMove: (to: Target) => void; place?: boolean }) {
  const id = `move-${p.member.id}`;
  const options: { value: string; label: string }[] = [
    ...Array.from({ length: p.count }, (_, i) => i)
      .filter((i) => i !== p.current)
      .map((i) => ({ value: String(i), label: `Cohort ${i + 1}` })),
    { value: 'new', label: 'A new cohort' },
  ];
  const [to, setTo] = useState(options[0]!.value);
  const value = options.some((o) => o.value === to) ? to : options[0]!.value;
  const [verb, prep] = p.place ? ['Place', 'in'] : ['Move', 'to'];
  return (
    <div class="move">
      <label for={id}>
        {verb} <span class="visually-hidden">{p.member.name} </span>
        {prep}
      </label>
      <select id={id} value={value} onChange={(e) => setTo(e.currentTarget.value)}>
        {options.map((o) => (
          <option value={o.value} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <button type="button" class="secondary small" aria-label={`${verb} ${p.member.name}`} onClick={() => p.onMove(value === 'new' ? 'new' : Number(value))}>
        {verb}
      </button>
    </div>
  );
}

function MemberLine(p: { m: CohortMember; at: string }) {
  return (
    <span class="member">
      <strong>{p.m.name}</strong>
      <span class="muted">
        {' '}
        · {p.m.department} · {zoneLabel(p.m.timezone, inZone(p.at, p.m.timezone))}
      </span>
    </span>
  );
}

/**
 * CohortCard is one cohort of the draft: the saved explanation when the members are as saved
 * (otherwise a note that it updates on save), the API's errors for it, and its members.
 */
export function CohortCard(p: {
  index: number;
  members: CohortMember[];
  saved: Cohort | undefined;
  changed: boolean;
  errors: string[];
  count: number;
  editable: boolean;
  maxSpreadHours: number;
  at: string; // the program's start: zones are shown with their abbreviation then
  onMove: (memberId: string, to: Target) => void;
}) {
  const x = !p.changed ? p.saved?.explanation : undefined;
  const headId = `cohort-${p.index}-h`;
  return (
    <li class={`card cohort-card${p.errors.length ? ' has-error' : ''}`} aria-labelledby={headId} data-cohort={p.index + 1}>
      <h3 id={headId}>
        Cohort {p.index + 1}
        {p.changed && <span class="badge badge-changed">Changed, not saved</span>}
      </h3>
      {x ? (
        <>
          <p class="explanation">{explanationText(p.members.length, x)}.</p>
          <ul class="why">
            <li>{crossText(x.pairs, x.crossPairs)}</li>
            <li>Departments: {x.departments.join(', ') || '—'}</li>
            <li>E-I index {eiText(x.eiIndex)}</li>
            {x.spreadHours > p.maxSpreadHours && <li class="warn">Over the {hoursText(p.maxSpreadHours)} time-zone limit: members’ clocks are {hoursText(x.spreadHours)} apart.</li>}
            {x.sharedInterests.length > 0 && <li>Shared interests: {x.sharedInterests.map(topicLabel).join(', ')}</li>}
          </ul>
        </>
      ) : (
        <p class="note">{p.members.length === 0 ? 'No members: this cohort is removed when you save.' : `${p.members.length} ${p.members.length === 1 ? 'person' : 'people'}. The explanation updates when you save.`}</p>
      )}
      {p.errors.map((e, i) => (
        <p class="error" key={i}>
          {e}
        </p>
      ))}
      <ul class="members" aria-label={`Members of cohort ${p.index + 1}`}>
        {p.members.map((m) => (
          <li key={m.id} data-member={m.id}>
            <MemberLine m={m} at={p.at} />
            {p.editable && <MoveMenu member={m} current={p.index} count={p.count} onMove={(to) => p.onMove(m.id, to)} />}
          </li>
        ))}
      </ul>
    </li>
  );
}

/** Unplaced: people who enrolled after the build, with a hint to rebuild or place them by hand. */
export function Unplaced(p: { members: CohortMember[]; count: number; editable: boolean; at: string; onMove: (memberId: string, to: Target) => void }) {
  if (p.members.length === 0) return null;
  return (
    <section class="banner warn-banner unplaced" aria-labelledby="unplaced-h">
      <h2 id="unplaced-h">
        {p.members.length === 1 ? '1 person is' : `${p.members.length} people are`} in no cohort
      </h2>
      <p>They enrolled after these cohorts were built. Rebuild to include them in a fresh plan, or place each in a cohort here and save. The cohorts cannot be published until everyone is placed.</p>
      <ul class="members">
        {p.members.map((m) => (
          <li key={m.id} data-member={m.id}>
            <MemberLine m={m} at={p.at} />
            {p.editable && <MoveMenu member={m} current={-1} count={p.count} onMove={(to) => p.onMove(m.id, to)} place />}
          </li>
        ))}
      </ul>
    </section>
  );
}
