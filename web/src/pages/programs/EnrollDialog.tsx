// Enroll in a program (POST /v1/programs/{id}/enroll): interests as chips (the program's
// topic chosen already, others from the org's programs or typed) and the zone cohort building
// places the learner by, prefilled from the app's zone. Field errors ("interests",
// "timezone") appear next to their fields.
import { useMemo, useState } from 'preact/hooks';
import { api, type Program } from '../../api';
import { useApp } from '../../state';
import { allZones, zoneLabel } from '../../time';
import { Dialog, ErrorBanner, Select, errorOf } from '../../ui';
import { interestChoices, slugify, topicLabel } from '../../cohort';

export function EnrollDialog(p: { program: Program; others: Program[]; onClose: (enrolled: boolean) => void }) {
  const { zone } = useApp();
  const [typed, setTyped] = useState<string[]>([]);
  const [picked, setPicked] = useState<string[]>([p.program.topic]);
  const [draft, setDraft] = useState('');
  const [tz, setTz] = useState(zone);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const zones = useMemo(() => allZones([zone]), [zone]);
  const choices = interestChoices(p.program, p.others, typed);

  const toggle = (t: string, on: boolean) => setPicked(on ? [...new Set([...picked, t])] : picked.filter((x) => x !== t));
  const add = () => {
    const t = slugify(draft);
    if (!t) return;
    setTyped([...typed, t]);
    setPicked([...new Set([...picked, t])]);
    setDraft('');
  };
  const submit = async () => {
    setBusy(true);
    setErr(null);
    try {
      // None chosen: the API uses the program's topic.
      await api.enroll(p.program.id, { ...(picked.length ? { interests: picked } : {}), timezone: tz });
      p.onClose(true);
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  const interestsErr = errorOf(err, 'interests');

  return (
    <Dialog open title={`Enroll in ${p.program.title}`} onClose={() => p.onClose(false)}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset class={`interests${interestsErr ? ' has-error' : ''}`} aria-describedby="interests-hint">
          <legend>Your interests</legend>
          <p class="hint" id="interests-hint">
            Cohorts bring together people who share some of them. Choose as many as you like; with none, the program’s topic is used.
          </p>
          <div class="pills">
            {choices.map((t) => (
              <label class="pill pill-check" key={t}>
                <input type="checkbox" checked={picked.includes(t)} onChange={(e) => toggle(t, e.currentTarget.checked)} aria-invalid={interestsErr ? true : undefined} />
                <span>{topicLabel(t)}</span>
              </label>
            ))}
          </div>
          <div class="add-interest">
            <label for="add-interest">Another interest</label>
            <input
              id="add-interest"
              value={draft}
              placeholder="e.g. public speaking"
              onInput={(e) => setDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
            />
            <button type="button" class="secondary small" onClick={add} disabled={!slugify(draft)}>
              Add
            </button>
          </div>
          {interestsErr && <p class="error">{interestsErr}</p>}
        </fieldset>
        <Select
          label="Your time zone"
          value={tz}
          onValue={setTz}
          options={zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
          hint={`Cohorts are kept to people whose clocks are close enough to meet. Now: ${zoneLabel(tz)}.`}
          error={errorOf(err, 'timezone')}
        />
        <ErrorBanner error={err} shown={['interests', 'timezone']} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Enrolling…' : 'Enroll'}
          </button>
          <button type="button" class="secondary" onClick={() => p.onClose(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
