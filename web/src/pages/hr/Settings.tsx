// Org settings (GET/PUT /v1/org/settings, HR): the weights of the matching signals (relative:
// each counts as its share of the sum), the late-cancel window, how long requests stay open
// and the coaching budget. Field errors ("matching.topic", "lateCancelHours",
// "budget.departmentHours.Sales") appear next to their fields. PUT replaces the whole
// document, so the body starts from what was loaded: nothing this page does not edit is lost.
import { useState } from 'preact/hooks';
import { api, ApiError, type FieldError, type MatchingWeights, type OrgSettings, type OrgSettingsInput, type SignalName } from '../../api';
import { useLoad } from '../../load';
import { useApp } from '../../state';
import { inZone } from '../../time';
import { ErrorBanner, Field, Loading, TextField, errorOf, focusFirstInvalid } from '../../ui';
import { signalLabel } from '../../components/Requests';
import { budgetForm, readBudget, type BudgetForm } from './budget';
import { BudgetEditor } from './BudgetEditor';
import { percent } from './format';

const signals: { name: SignalName; hint: string }[] = [
  { name: 'topic', hint: 'how many of the learner’s topics the expert covers' },
  { name: 'capacity', hint: 'free in the learner’s preferred times soon' },
  { name: 'language', hint: 'speaks the requested language' },
  { name: 'timezone', hint: 'working hours close to the learner’s' },
  { name: 'rating', hint: 'learners’ ratings' },
  { name: 'load', hint: 'fewer upcoming sessions' },
  { name: 'connection', hint: 'another department, not met before' },
];

/** shares: each weight as a share of their sum (what it counts for in a score). */
export function shares(w: Record<string, string>): Record<string, number | null> {
  const nums = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Number(v)]));
  const ok = Object.values(nums).every((x) => Number.isFinite(x) && x >= 0);
  const sum = ok ? Object.values(nums).reduce((a, b) => a + b, 0) : 0;
  return Object.fromEntries(Object.entries(nums).map(([k, x]) => [k, sum > 0 ? x / sum : null]));
}

/** weightWord says a 0-1 weight in words. */
export const weightWord = (v: number): string => (v <= 0 ? 'Off' : v <= 0.1 ? 'Low' : v <= 0.25 ? 'Medium' : v <= 0.5 ? 'High' : 'Very high');

/** ranked lists the signals that count, most first (the preview of what the weights favour). */
export function ranked(share: Record<string, number | null>): string[] {
  return Object.entries(share)
    .filter((e): e is [string, number] => e[1] !== null && e[1] > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, x]) => `${signalLabel(k as SignalName)} (${percent(x)})`);
}

/** settingsBody is the PUT body: the loaded document (less updatedAt) with the edits over it. */
export function settingsBody(loaded: OrgSettings, edits: OrgSettingsInput): OrgSettingsInput {
  const kept: Partial<OrgSettings> = { ...loaded };
  delete kept.updatedAt;
  return { ...kept, ...edits };
}

/** The settings form: the document as loaded, and the fields as typed. */
interface SettingsForm {
  loaded: OrgSettings;
  weights: Record<string, string>;
  lateCancel: string;
  expiry: string;
  budget: BudgetForm;
}

const formOf = (s: OrgSettings): SettingsForm => ({
  loaded: s,
  weights: Object.fromEntries(signals.map((x) => [x.name, String(s.matching[x.name] ?? 0)])),
  lateCancel: String(s.lateCancelHours),
  expiry: String(s.requestExpiryDays),
  budget: budgetForm(s.budget),
});

export function Settings() {
  const { zone } = useApp();
  // The form starts as the saved settings; a save starts it again from what was saved.
  const settings = useLoad((signal) => api.orgSettings(signal).then(formOf), []);
  const loaded = settings.data?.loaded;
  const weights = settings.data?.weights ?? {};
  const lateCancel = settings.data?.lateCancel ?? '';
  const expiry = settings.data?.expiry ?? '';
  const budget = settings.data?.budget ?? budgetForm(null);
  const loadErr = settings.error;
  const edit = (patch: Partial<SettingsForm>) => settings.setData((d) => ({ ...d!, ...patch }));
  const setWeights = (w: Record<string, string>) => edit({ weights: w });
  const setLateCancel = (v: string) => edit({ lateCancel: v });
  const setExpiry = (v: string) => edit({ expiry: v });
  const setBudget = (f: BudgetForm) => edit({ budget: f });
  const fill = (s: OrgSettings) => settings.setData(formOf(s));
  // Department names to suggest for budget caps: the ones the reports know (best effort).
  const departments =
    useLoad((signal) => api.utilization({ groupBy: 'department' }, signal).then((r) => r.rows.map((x) => x.group.key).filter(Boolean).sort(), (): string[] => []), []).data ?? [];
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  if (!loaded) return loadErr ? <ErrorBanner error={loadErr} /> : <Loading what="Loading the settings…" />;

  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  const save = async () => {
    setBusy(true);
    setErr(null);
    setSaved(false);
    const matching = Object.fromEntries(signals.map((x) => [x.name, num(weights[x.name] ?? '')])) as MatchingWeights;
    const b = readBudget(budget);
    const body = settingsBody(loaded, { matching, lateCancelHours: num(lateCancel), requestExpiryDays: num(expiry), budget: b.budget });
    // An empty or non-numeric box would go out as null (read as 0): say so here instead.
    const blank: FieldError[] = [
      ...signals.filter((x) => !Number.isFinite(matching[x.name])).map((x) => ({ field: `matching.${x.name}`, message: 'must be a number' })),
      ...(['lateCancelHours', 'requestExpiryDays'] as const).filter((k) => !Number.isFinite(body[k])).map((k) => ({ field: k, message: 'must be a number' })),
      ...b.errors,
    ];
    try {
      if (blank.length) throw new ApiError({ status: 400, code: 'invalid', title: 'Invalid settings', detail: 'Some settings are not filled in correctly.', fields: blank });
      fill(await api.putOrgSettings(body));
      setSaved(true);
    } catch (e) {
      setErr(e);
      focusFirstInvalid();
    }
    setBusy(false);
  };
  const share = shares(weights);
  // "matching" (or "matching." as the API names it today) is the set of weights as a whole.
  const whole = [errorOf(err, 'matching', true), errorOf(err, 'matching.', true)].filter(Boolean).join('; ');
  const never = !loaded.updatedAt;

  return (
    <form
      class="settings editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p class="muted">{never ? 'Your organisation uses the default settings.' : `Last saved ${inZone(loaded.updatedAt ?? '', zone).toFormat('ccc d LLL yyyy, HH:mm')}.`}</p>
      <fieldset class={`weights${whole ? ' has-error' : ''}`} aria-describedby="weights-hint">
        <legend>Matching weights</legend>
        <p class="hint" id="weights-hint">
          Slide each signal from off to very high. Only proportions matter: a signal counts for its share of all of them.
        </p>
        {whole && <p class="error">{whole}</p>}
        <div class="sliders">
          {signals.map((x) => {
            const v = Number(weights[x.name] ?? 0);
            const sh = share[x.name];
            const said = `${weightWord(v)}, ${sh === null || sh === undefined ? 'no share' : `${percent(sh)} of a score`}`;
            return (
              <Field key={x.name} label={signalLabel(x.name)} hint={x.hint} error={errorOf(err, `matching.${x.name}`)} class="slider">
                {(a) => (
                  <div class="slider-row">
                    <input
                      {...a}
                      type="range"
                      min={0}
                      max={1}
                      step={0.05}
                      value={weights[x.name] ?? '0'}
                      aria-valuetext={said}
                      onInput={(e) => {
                        setSaved(false);
                        setWeights({ ...weights, [x.name]: e.currentTarget.value });
                      }}
                    />
                    <span class="slider-value" aria-hidden="true">
                      {said}
                    </span>
                  </div>
                )}
              </Field>
            );
          })}
        </div>
        <p class="muted small-text" data-testid="weights-ranking">
          Counts most: {ranked(share).join(' › ') || 'nothing (every weight is off)'}
        </p>
      </fieldset>
      <fieldset>
        <legend>Policies</legend>
        <div class="row numbers">
          <TextField label="Late cancellation window (hours)" type="number" min={0} max={168} value={lateCancel} onValue={(v) => (setSaved(false), setLateCancel(v))} hint="0–168; 0 means the default (24)" error={errorOf(err, 'lateCancelHours')} />
          <TextField label="Requests stay open (days)" type="number" min={0} max={90} value={expiry} onValue={(v) => (setSaved(false), setExpiry(v))} hint="0–90; 0 means the default (14)" error={errorOf(err, 'requestExpiryDays')} />
        </div>
      </fieldset>
      <BudgetEditor
        form={budget}
        onChange={(f) => {
          setSaved(false);
          setBudget(f);
        }}
        err={err}
        departments={departments}
      />
      <ErrorBanner error={err} shown={['matching', 'lateCancelHours', 'requestExpiryDays', 'budget']} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status">{saved ? 'Settings saved.' : ''}</span>
      </div>
    </form>
  );
}
