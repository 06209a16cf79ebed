import { describe, expect, it } from 'vitest';
import type { Signal } from '../../api';
import { rematchLink } from '../../components/Feedback';
import { pointsTotal, signalLabel } from '../../components/Requests';
import { splitTopics } from './NewRequest';

describe('requests', () => {
  it('reads topics as the API normalises them', () => {
    expect(splitTopics(' Negotiation, public speaking ,, Go ')).toEqual(['negotiation', 'public-speaking', 'go']);
    expect(splitTopics('')).toEqual([]);
  });

  it('adds points in ten-thousandths so they equal the score exactly', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point; the API's score is 0.3.
    const s = (points: number): Signal => ({ name: 'topic', value: 1, weight: points, points, reason: '' });
    expect(pointsTotal([s(0.1), s(0.2)])).toBe(0.3);
    expect(pointsTotal([s(0.3), s(0.2), s(0.05), s(0.0583), s(0.075), s(0.0833), s(0.06)])).toBe(0.8266);
    expect(pointsTotal([])).toBe(0);
  });

  it('names signals for people and passes unknown ones through', () => {
    expect(signalLabel('capacity')).toBe('Free when you are');
    expect(signalLabel('novelty')).toBe('novelty');
  });

  it('links to the request only when the API reopened it', () => {
    expect(rematchLink({ requestId: 'r1' }, { rematchOffered: true })).toBe('/requests/r1');
    expect(rematchLink({ requestId: 'r1' }, { rematchOffered: false })).toBeNull();
    expect(rematchLink({}, { rematchOffered: true })).toBeNull();
  });
});
