import { describe, expect, it } from 'vitest';
import type { ConnectionGraph, Metrics, ReportRow } from '../../api';
import { figure, monthLabel, monthsBetween, parseCsv, series } from './format';
import { layoutGraph } from './graph';
import { ranked, shares, weightWord } from './Settings';

const zero: Metrics = {
  booked: 0, completed: 0, cancelled: 0, lateCancelled: 0, noShowHost: 0, noShowGuest: 0,
  hoursBooked: 0, hoursDelivered: 0, hoursOffered: 0, requests: 0, matched: 0, newTies: 0, activeLearners: 0,
  utilizationBooked: null, utilizationDelivered: null, completionRate: null, noShowRateHost: null, noShowRateGuest: null,
  lateCancelRate: null, csat: null, nps: null, averageRating: null, timeToMatchMedianHours: null, crossFunctionalReach: null,
  budgetHours: null, budgetUsedHours: null, budgetUsedShare: null,
};
const row = (m: Partial<Metrics>, extra: Partial<ReportRow> = {}): ReportRow => ({
  group: { kind: 'org', key: '', name: '' }, metrics: { ...zero, ...m }, suppressed: false, ...extra,
});

describe('figure', () => {
  it('shows ratios as percentages, NPS signed, hours and counts', () => {
    const r = row({ utilizationBooked: 0.4567, nps: 25, timeToMatchMedianHours: 30.5, booked: 1234, averageRating: 4.25 });
    expect(figure(r, 'utilizationBooked').text).toBe('45.7%');
    expect(figure(r, 'nps').text).toBe('+25');
    // Time to match under an hour reads in minutes, never "0 h" (issue 19).
    expect(figure(row({ timeToMatchMedianHours: 2 / 60 }), 'timeToMatchMedianHours').text).toBe('2 min');
    expect(figure(row({ timeToMatchMedianHours: 0.001 }), 'timeToMatchMedianHours').text).toBe('< 1 min');
    expect(figure(row({ timeToMatchMedianHours: 0.75 }), 'timeToMatchMedianHours').text).toBe('45 min');
    expect(figure(row({ nps: -12.5 }), 'nps').text).toBe('-12.5');
    expect(figure(row({ nps: 0 }), 'nps').text).toBe('0');
    expect(figure(r, 'timeToMatchMedianHours').text).toBe('30.5 h');
    expect(figure(r, 'booked').text).toBe('1,234');
    expect(figure(r, 'averageRating').text).toBe('4.25 / 5');
    expect(figure(row({ completionRate: 0 }), 'completionRate').text).toBe('0%');
  });

  it('tells "no data" from "withheld for privacy"', () => {
    expect(figure(row({}), 'csat')).toEqual({ text: '—', missing: 'none' });
    expect(figure(row({}, { withheld: ['csat', 'averageRating'] }), 'csat')).toEqual({ text: 'withheld', missing: 'withheld' });
  });
});

describe('months', () => {
  it('lists the months of a range across a year end', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2027-03', '2027-03')).toEqual(['2027-03']);
    expect(monthsBetween('2027-04', '2027-03')).toEqual([]);
    expect(monthLabel('2027-03')).toBe('Mar 2027');
  });

  it('lines rows up with the months, null where a month has no row', () => {
    const rows = [row({ booked: 3 }, { month: '2027-01' }), row({ booked: 5, completionRate: 0.5 }, { month: '2027-03' })];
    const months = monthsBetween('2027-01', '2027-03');
    expect(series(rows, months, 'booked')).toEqual([3, null, 5]);
    expect(series(rows, months, 'completionRate')).toEqual([null, null, 0.5]);
  });
});

describe('parseCsv', () => {
  it('reads quoted cells, doubled quotes, CRLF and empty cells', () => {
    const text = 'month,name,csat\r\n2027-03,"Hernández, Diego",0.75\r\n,"say ""hi""",\r\n';
    expect(parseCsv(text)).toEqual([
      ['month', 'name', 'csat'],
      ['2027-03', 'Hernández, Diego', '0.75'],
      ['', 'say "hi"', ''],
    ]);
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
  });
});

describe('layoutGraph', () => {
  const g: ConnectionGraph = {
    nodes: [
      { department: 'Engineering', sessions: 12, suppressed: false },
      { department: 'People', sessions: 0, suppressed: true },
      { department: 'Product', sessions: 4, suppressed: false },
      { department: 'Sales', sessions: 9, suppressed: false },
    ],
    edges: [
      { from: 'Engineering', to: 'Engineering', sessions: 3 },
      { from: 'Product', to: 'Engineering', sessions: 4 },
      { from: 'Sales', to: 'Engineering', sessions: 6 },
      { from: 'Engineering', to: 'Sales', sessions: 3 },
    ],
    eiIndex: 0.5, density: 0.5, internalSessions: 3, externalSessions: 13, newTies: 7,
    cohorts: { sessions: 0, memberHours: 0, pairs: 0, crossPairs: 0, newPairs: 0, eiIndex: null, edges: [] },
  };

  it('puts departments evenly on a circle, the first at the top', () => {
    const l = layoutGraph(g, 400);
    const c = 200;
    const dist = l.nodes.map((n) => Math.hypot(n.x - c, n.y - c));
    for (const d of dist) expect(d).toBeCloseTo(dist[0]!, 1);
    expect(l.nodes[0]!.x).toBeCloseTo(c, 1);
    expect(l.nodes[0]!.y).toBeLessThan(c);
    // Four nodes: top, right, bottom, left (clockwise in screen coordinates).
    expect(l.nodes[1]!.x).toBeGreaterThan(c);
    expect(l.nodes[2]!.y).toBeGreaterThan(c);
    expect(l.nodes[3]!.x).toBeLessThan(c);
    expect(l.nodes[1]!.anchor).toBe('start');
    expect(l.nodes[3]!.anchor).toBe('end');
    // Bigger departments get bigger circles; a hidden one the smallest.
    expect(l.nodes[0]!.r).toBeGreaterThan(l.nodes[2]!.r);
    expect(l.nodes[1]!.r).toBe(8);
  });

  it('draws every shown edge, wider with more sessions, loops for inside sessions', () => {
    const l = layoutGraph(g, 400);
    expect(l.edges).toHaveLength(4);
    const w = Object.fromEntries(l.edges.map((e) => [`${e.from}>${e.to}`, e.width]));
    expect(w['Sales>Engineering']).toBe(10);
    expect(w['Sales>Engineering']!).toBeGreaterThan(w['Product>Engineering']!);
    expect(w['Product>Engineering']!).toBeGreaterThan(w['Engineering>Sales']!);
    const self = l.edges.find((e) => e.self)!;
    expect(self.from).toBe('Engineering');
    expect(self.path).toMatch(/^M [\d.]+ [\d.]+ C /);
    // A→B and B→A bend to different sides, so they do not overlap.
    const ab = l.edges.find((e) => e.from === 'Engineering' && e.to === 'Sales')!.path;
    const ba = l.edges.find((e) => e.from === 'Sales' && e.to === 'Engineering')!.path;
    expect(ab).not.toBe(ba);
    const ctrl = (p: string) => p.split(' Q ')[1]!.split(' ').slice(0, 2).map(Number);
    expect(ctrl(ab)).not.toEqual(ctrl(ba));
  });

  it('copes with no departments and with one', () => {
    expect(layoutGraph({ ...g, nodes: [], edges: [] }).nodes).toEqual([]);
    const one = layoutGraph({ ...g, nodes: [g.nodes[0]!], edges: [g.edges[0]!] }, 400);
    expect(one.nodes[0]!.y).toBeLessThan(200);
    expect(one.edges).toHaveLength(1);
  });
});

describe('weights in words', () => {
  it('says a weight and ranks the signals by share', () => {
    expect([0, 0.05, 0.2, 0.3, 0.8].map(weightWord)).toEqual(['Off', 'Low', 'Medium', 'High', 'Very high']);
    expect(ranked(shares({ topic: '0.3', language: '0.1', load: '0' }))).toEqual(['Topics (75%)', 'Language (25%)']);
  });
});

describe('settings shares', () => {
  it('shows each weight as its share of the sum, nothing when the sum is 0 or a box is not a number', () => {
    const s = shares({ topic: '0.3', capacity: '0.2', language: '0.1', timezone: '0.1', rating: '0.1', load: '0.1', connection: '0.1' });
    expect(s.topic).toBeCloseTo(0.3, 10);
    expect(shares({ topic: '1', capacity: '1' })).toEqual({ topic: 0.5, capacity: 0.5 });
    expect(shares({ topic: '0', capacity: '0' })).toEqual({ topic: null, capacity: null });
    expect(shares({ topic: 'x', capacity: '1' })).toEqual({ topic: null, capacity: null });
  });
});
