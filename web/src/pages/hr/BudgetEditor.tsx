// The coaching budget part of the org settings: no budget, or a period with an org-wide cap
// and per-department caps (rows to add and remove). Field errors from the API
// ("budget.orgHours", "budget.departmentHours.Sales", "budget") and from the form's own checks
// appear next to their fields.
import { ApiError } from '../../api';
import { Select, TextField, errorOf } from '../../ui';
import { newRow, periodNounOf, periodOptions, rowErrors, type BudgetForm } from './budget';

interface Props {
  form: BudgetForm;
  onChange: (f: BudgetForm) => void;
  err: unknown;
  /** departments suggested for the name boxes (from the reports), besides the ones listed. */
  departments: readonly string[];
}

export function BudgetEditor({ form, onChange, err, departments }: Props) {
  const noun = periodNounOf(form.period);
  const fields = err instanceof ApiError ? err.fields : [];
  const whole = errorOf(err, 'budget', true);
  const deptWhole = errorOf(err, 'budget.departmentHours', true);
  const setRow = (id: number, patch: { name?: string; hours?: string }) => onChange({ ...form, rows: form.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
  const add = () => {
    const row = newRow();
    onChange({ ...form, rows: [...form.rows, row] });
    requestAnimationFrame(() => document.querySelector<HTMLInputElement>(`[data-row="${row.id}"] input`)?.focus());
  };
  const listed = new Set(form.rows.map((r) => r.name.trim()));
  const suggestions = departments.filter((d) => !listed.has(d));

  return (
    <fieldset class={`budget${whole ? ' has-error' : ''}`} aria-describedby="budget-hint">
      <legend>Coaching budget</legend>
      <p class="hint" id="budget-hint">
        Caps the coaching hours learners can book in each period (UTC months, quarters or years). A booking draws its session length from the period it starts in; a
        cancellation gives it back, except a learner’s late cancellation. A booking over a cap is refused.
      </p>
      {whole && <p class="error">{whole}</p>}
      <div class="row numbers">
        <Select label="Budget period" value={form.period} options={periodOptions} onValue={(v) => onChange({ ...form, period: v as BudgetForm['period'] })} error={errorOf(err, 'budget.period')} />
        {form.period && (
          <TextField
            label="Organisation-wide hours"
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            value={form.orgHours}
            onValue={(v) => onChange({ ...form, orgHours: v })}
            hint={`per ${noun}; empty or 0: no org-wide cap`}
            error={errorOf(err, 'budget.orgHours')}
          />
        )}
      </div>
      {form.period && (
        <fieldset class={`departments${deptWhole ? ' has-error' : ''}`}>
          <legend>Department caps</legend>
          <p class="hint">Departments are the learners’, spelt as in your directory. A department not listed is not capped; the dashboard still shows its hours.</p>
          {deptWhole && <p class="error">{deptWhole}</p>}
          {form.rows.length === 0 && <p class="muted">No department caps.</p>}
          {form.rows.map((r, i) => {
            const e = rowErrors(fields, form.rows, i);
            const label = r.name.trim() || `department ${i + 1}`;
            return (
              <div class="interval budget-row" key={r.id} data-row={r.id} role="group" aria-label={`Department cap ${i + 1}`}>
                <TextField label="Department" value={r.name} list="budget-departments" autoComplete="off" maxLength={80} onValue={(v) => setRow(r.id, { name: v })} error={e.name} />
                <TextField label={`Hours per ${noun}`} type="number" min={1} step={1} inputMode="numeric" value={r.hours} onValue={(v) => setRow(r.id, { hours: v })} error={e.hours} />
                <button type="button" class="secondary small remove" onClick={() => onChange({ ...form, rows: form.rows.filter((x) => x.id !== r.id) })} aria-label={`Remove ${label}`}>
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" class="secondary small" onClick={add}>
            Add a department
          </button>
          <datalist id="budget-departments">
            {suggestions.map((d) => (
              <option value={d} key={d} />
            ))}
          </datalist>
        </fieldset>
      )}
    </fieldset>
  );
}
