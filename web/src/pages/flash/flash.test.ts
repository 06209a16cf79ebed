import { describe, expect, it } from 'vitest';
import type { FlashProposal, FlashRound } from '../../api';
import { statusLine } from './Flash';
import { roundLine } from './FlashHr';

const proposal = (p: Partial<FlashProposal>): FlashProposal => ({
  id: 'r0-x', round: 0, start: '2027-03-15T14:00:00Z', end: '2027-03-15T14:30:00Z', deadline: '2027-03-13T12:00:00Z', status: 'proposed',
  partner: { id: 'u2', name: 'Kwame Mensah', department: 'Engineering', timezone: 'Europe/London' }, acceptedByMe: false, acceptedByPartner: false, ...p,
});

describe('statusLine', () => {
  it('says whose answer is awaited', () => {
    expect(statusLine(proposal({}))).toBe('Waiting for your answer');
    expect(statusLine(proposal({ acceptedByPartner: true }))).toBe('Kwame Mensah accepted; your answer is needed');
    expect(statusLine(proposal({ acceptedByMe: true }))).toBe('You accepted; waiting for Kwame Mensah');
    expect(statusLine(proposal({ status: 'confirmed', acceptedByMe: true, acceptedByPartner: true }))).toBe('Confirmed: you both accepted');
    expect(statusLine(proposal({ status: 'lapsed' }))).toBe('Lapsed: not answered in time');
  });
});

describe('roundLine', () => {
  const round: FlashRound = { index: 0, start: '', ranAt: '', ranBy: 'u', proposals: 1, noTime: 0, satOut: 0, firstCross: 1, newPairs: 1, crossPairs: 1 };
  it('counts the pairs, and mentions the ones without a time and who sat out only when there are some', () => {
    expect(roundLine(round)).toBe('1 pair proposed · 1 new and across departments');
    expect(roundLine({ ...round, proposals: 11, firstCross: 9, noTime: 1, satOut: 1 })).toBe('11 pairs proposed · 9 new and across departments · 1 without a common free time · 1 sat out');
  });
});
