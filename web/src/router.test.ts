import { describe, expect, it } from 'vitest';
import { match, withQuery } from './router';

describe('router', () => {
  it('matches paths with parameters', () => {
    expect(match('/experts/:id', '/experts/acme-maya')).toEqual({ id: 'acme-maya' });
    expect(match('/sessions/:id/reschedule', '/sessions/b%201/reschedule')).toEqual({ id: 'b 1' });
    expect(match('/experts', '/experts/')).toEqual({});
    expect(match('/experts/:id', '/experts')).toBeNull();
    expect(match('/hr', '/hr/x')).toBeNull();
  });

  it('sets and clears query parameters', () => {
    expect(withQuery('/experts/x', new URLSearchParams('week=2027-03-22&type=intro'), { type: 'deep-dive' })).toBe('/experts/x?week=2027-03-22&type=deep-dive');
    expect(withQuery('/experts', new URLSearchParams('topic=go'), { topic: '' })).toBe('/experts');
  });
});
