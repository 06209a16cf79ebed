// The dashboard's coaching budget card: used against allotted hours for the org and each
// department over the whole budget periods the chosen months touch. Every line says in words
// what its bar shows (used, allotted, share, hours left or over, not capped, withheld).
import type { BudgetSummary } from '../../api';
import { Link } from '../../router';
import { budgetLineView, periodLabel, periodsText, type BudgetLineView } from './budget';

const periodWord = { month: 'Monthly', quarter: 'Quarterly', year: 'Yearly' } as const;

export function BudgetCard({ budget }: { budget: BudgetSummary | null }) {
  if (!budget) {
    return (
      <section class="card budget-card" aria-labelledby="budget-h" data-testid="budget">
        <h2 id="budget-h">Coaching budget</h2>
        <p class="muted">
          No coaching budget is set, so bookings are not capped. <Link href="/hr/settings">Set a budget in Settings</Link>.
        </p>
      </section>
    );
  }
  const n = budget.periods.length;
  const lines: BudgetLineView[] = [budgetLineView(budget.org, 'Whole organisation'), ...budget.departments.map((d) => budgetLineView(d, d.department ?? ''))];
  return (
    <section class="card budget-card" aria-labelledby="budget-h" data-testid="budget">
      <h2 id="budget-h">Coaching budget</h2>
      <p data-testid="budget-periods">
        {periodWord[budget.period]} budget. {n === 1 ? 'This range falls in' : `This range touches ${n} periods:`} <strong>{periodsText(budget.periods)}</strong>;
        {n === 1 ? ' the figures are for that whole period.' : ' the figures add up those whole periods.'}
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="budget-h">
        <table class="data budget-lines">
          <caption class="visually-hidden">
            Coaching hours used against the budget, {budget.periods.map(periodLabel).join(', ')}
          </caption>
          <thead>
            <tr>
              <th scope="col">Budget line</th>
              <th scope="col" class="num">
                Allotted
              </th>
              <th scope="col" class="num">
                Used
              </th>
              <th scope="col" class="num">
                Share used
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={i === 0 ? '' : `d-${l.name}`} data-line={i === 0 ? 'org' : l.name} data-state={l.state} class={`budget-${l.state}`}>
                <th scope="row">{l.name}</th>
                <td class={`num${l.state === 'uncapped' ? ' missing' : ''}`}>{l.allotted}</td>
                <td class={`num${l.state === 'withheld' ? ' missing' : ''}`}>{l.used}</td>
                <td class={`num${l.state === 'withheld' || l.state === 'uncapped' ? ' missing' : ''}`}>{l.share}</td>
                <td class="budget-status">
                  {l.fill !== null && (
                    <span class="budget-bar" aria-hidden="true">
                      <span style={{ width: `${(l.fill * 100).toFixed(1)}%` }} />
                    </span>
                  )}
                  <span class="budget-text">{l.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted small-text">
        Used hours are the hours booked (a cancellation gives them back, except a learner’s late cancellation). Departments are the learners’; a department
        without a cap is listed once it has used hours.
      </p>
    </section>
  );
}
