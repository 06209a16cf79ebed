import { describe, expect, it } from 'vitest';
import type { BudgetLine, FieldError, OrgSettings } from '../../api';
import { budgetForm, budgetLineView, newRow, periodLabel, periodsText, readBudget, rowErrors, rowField, type BudgetForm } from './budget';
import { settingsBody } from './Settings';

const form = (f: Partial<BudgetForm>): BudgetForm => ({ period: 'quarter', orgHours: '', rows: [], ...f });

describe('budget form', () => {
  it('round-trips a budget: departments in name order, 0 org hours as an empty box', () => {
    const f = budgetForm({ period: 'quarter', orgHours: 0, departmentHours: { Sales: 60, Engineering: 80 } });
    expect(f.period).toBe('quarter');
    expect(f.orgHours).toBe('');
    expect(f.rows.map((r) => [r.name, r.hours])).toEqual([['Engineering', '80'], ['Sales', '60']]);
    expect(new Set(f.rows.map((r) => r.id)).size).toBe(2);
    expect(readBudget(f)).toEqual({ budget: { period: 'quarter', orgHours: 0, departmentHours: { Engineering: 80, Sales: 60 } }, errors: [] });
  });

  it('reads no budget as null, whatever the boxes hold', () => {
    expect(budgetForm(null)).toEqual({ period: '', orgHours: '', rows: [] });
    expect(budgetForm(undefined).period).toBe('');
    expect(readBudget(form({ period: '', orgHours: 'abc', rows: [newRow('', 'x')] }))).toEqual({ budget: null, errors: [] });
  });

  it('sends an org-wide cap alone without departmentHours, names trimmed', () => {
    expect(readBudget(form({ period: 'year', orgHours: ' 300 ' })).budget).toEqual({ period: 'year', orgHours: 300 });
    expect(readBudget(form({ period: 'month', rows: [newRow('  Sales ', '5')] })).budget).toEqual({ period: 'month', orgHours: 0, departmentHours: { Sales: 5 } });
  });

  it('says what JSON cannot carry: blanks, fractions, a blank or repeated name', () => {
    const { errors } = readBudget(form({ orgHours: '1.5', rows: [newRow('Sales', ''), newRow(' ', '3'), newRow('Sales', '2.5'), newRow('sales', '1')] }));
    expect(errors).toEqual([
      { field: 'budget.orgHours', message: 'must be a whole number of hours (0 or empty: no org-wide cap)' },
      { field: 'budget.rows[0].hours', message: 'must be a whole number of hours' },
      { field: 'budget.rows[1].name', message: 'is required' },
      { field: 'budget.rows[2].name', message: 'is listed twice' },
      { field: 'budget.rows[2].hours', message: 'must be a whole number of hours' },
    ]);
    expect(readBudget(form({ orgHours: '0' })).errors).toEqual([{ field: 'budget', message: 'set organisation-wide hours or a department cap, or choose “No budget”' }]);
    // Ranges are the API's to judge (it names them): 0 hours goes out as typed.
    expect(readBudget(form({ rows: [newRow('Sales', '0')] }))).toEqual({ budget: { period: 'quarter', orgHours: 0, departmentHours: { Sales: 0 } }, errors: [] });
  });

  it('puts each error on its row: the form’s by position, the API’s by department name', () => {
    const rows = [newRow('Sales', '0'), newRow('', ''), newRow('R&D. Labs', '1')];
    const fields: FieldError[] = [
      { field: 'budget.departmentHours.Sales', message: 'must be 1-1000000 hours' },
      { field: rowField(1, 'name'), message: 'is required' },
      { field: rowField(1, 'hours'), message: 'must be a whole number of hours' },
      { field: 'budget.departmentHours.R&D. Labs', message: 'must be 1-1000000 hours' },
      { field: 'budget.departmentHours', message: 'department names must be 1-80 characters without surrounding spaces' },
    ];
    expect(rowErrors(fields, rows, 0)).toEqual({ hours: 'must be 1-1000000 hours' });
    expect(rowErrors(fields, rows, 1)).toEqual({ name: 'is required', hours: 'must be a whole number of hours' });
    expect(rowErrors(fields, rows, 2)).toEqual({ hours: 'must be 1-1000000 hours' });
    expect(rowErrors([], rows, 0)).toEqual({});
  });
});

describe('settingsBody', () => {
  const loaded: OrgSettings = {
    matching: { topic: 0.3, capacity: 0.2, language: 0.1, timezone: 0.1, rating: 0.1, load: 0.1, connection: 0.1 },
    lateCancelHours: 24,
    requestExpiryDays: 14,
    budget: { period: 'quarter', orgHours: 300, departmentHours: { Sales: 60 } },
    updatedAt: '2027-03-01T10:00:00Z',
  };

  it('sends the whole document: the budget is never dropped, updatedAt never sent', () => {
    const body = settingsBody(loaded, { matching: loaded.matching, lateCancelHours: 12, requestExpiryDays: 21, budget: loaded.budget });
    expect(body).toEqual({ matching: loaded.matching, lateCancelHours: 12, requestExpiryDays: 21, budget: loaded.budget });
    expect('updatedAt' in body).toBe(false);
    expect(JSON.parse(JSON.stringify(settingsBody(loaded, { ...body, budget: null }))).budget).toBeNull();
  });

  it('keeps fields this page does not know (a newer API’s)', () => {
    const newer = { ...loaded, cohorts: { enabled: true } } as OrgSettings;
    expect(settingsBody(newer, { matching: loaded.matching, lateCancelHours: 1, requestExpiryDays: 1, budget: null })).toMatchObject({ cohorts: { enabled: true }, budget: null });
  });
});

describe('budget lines', () => {
  const line = (l: Partial<BudgetLine>): BudgetLine => ({ allottedHours: 300, usedHours: 45, usedShare: 0.15, ...l });

  it('labels periods', () => {
    expect(periodLabel('2027-Q1')).toBe('Q1 2027');
    expect(periodLabel('2027-03')).toBe('Mar 2027');
    expect(periodLabel('2027')).toBe('2027');
    expect(periodsText(['2026-Q4', '2027-Q1'])).toBe('Q4 2026 and Q1 2027');
    expect(periodsText(['2027-01', '2027-02', '2027-03'])).toBe('Jan 2027, Feb 2027 and Mar 2027');
    expect(periodsText(['2027'])).toBe('2027');
    expect(periodsText([])).toBe('no period');
  });

  it('shows used of allotted with the share and what is left, in text', () => {
    expect(budgetLineView(line({}), 'Whole organisation')).toEqual({
      name: 'Whole organisation', state: 'within', allotted: '300 h', used: '45 h', share: '15%', status: '255 h left', fill: 0.15,
    });
    expect(budgetLineView(line({ allottedHours: 60, usedHours: 60, usedShare: 1 }), 'Sales')).toMatchObject({ state: 'within', status: '0 h left', fill: 1 });
  });

  it('says when a line is over (after a cap was lowered), not capped, or withheld', () => {
    expect(budgetLineView(line({ allottedHours: 10, usedHours: 12.5, usedShare: 1.25 }), 'Sales')).toMatchObject({ state: 'over', share: '125%', status: 'over by 2.5 h', fill: 1 });
    expect(budgetLineView(line({ allottedHours: null, usedHours: 7.25, usedShare: null }), 'Product')).toEqual({
      name: 'Product', state: 'uncapped', allotted: 'not capped', used: '7.25 h', share: '—', status: 'not capped; 7.25 h used', fill: null,
    });
    expect(budgetLineView(line({ allottedHours: 80, usedHours: null, usedShare: null, withheld: true }), 'People')).toMatchObject({
      state: 'withheld', allotted: '80 h', used: 'withheld', status: 'used hours withheld: fewer than 3 people', fill: null,
    });
    expect(budgetLineView(line({ allottedHours: null, usedHours: null, usedShare: null, withheld: true }), 'Finance')).toMatchObject({ state: 'withheld', allotted: 'not capped' });
  });
});
