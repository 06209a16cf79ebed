// The client's notification and calendar-connection calls (#16, #17): routes, methods, bodies.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, configure } from './api';

describe('notifications and calendars', () => {
  afterEach(() => vi.unstubAllGlobals());
  const record = (answer: () => Response) => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
      calls.push({ url: u, init });
      return answer();
    });
    return calls;
  };
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });

  it('pages the inbox, unread only on request; a missing nextCursor is the last page', async () => {
    configure({ token: () => 'tok' });
    const calls = record(() => json({ items: [{ id: 'n1', kind: 'booking.confirmed', title: 'Confirmed', body: '', path: '/bookings/b1', createdAt: '2027-03-10T12:00:00Z' }], unread: 1 }));
    const p = await api.notifications('c1', true);
    expect(calls[0]!.url).toBe('/v1/notifications?cursor=c1&unread=true');
    expect(p.nextCursor).toBe('');
    expect(p.unread).toBe(1);
    await api.notifications();
    expect(calls[1]!.url).toBe('/v1/notifications');
  });

  it('marks read with POSTs and an encoded id', async () => {
    configure({ token: () => 'tok' });
    const calls = record(() => new Response(null, { status: 204 }));
    await api.markRead('n/1');
    await api.markAllRead();
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['POST /v1/notifications/n%2F1/read', 'POST /v1/notifications/read-all']);
  });

  it('unsubscribes with the RFC 8058 one-click body and no token', async () => {
    configure({ token: () => 'tok' });
    const calls = record(() => new Response(null, { status: 204 }));
    await api.unsubscribe('abc.def');
    const h = calls[0]!.init.headers as Record<string, string>;
    expect(calls[0]!.url).toBe('/v1/unsubscribe/abc.def');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe('List-Unsubscribe=One-Click');
    expect(h['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(h.Authorization).toBeUndefined();
  });

  it('connects, syncs and removes calendars', async () => {
    configure({ token: () => 'tok' });
    const calls = record(() => json({ id: 'c1' }, 201));
    await api.connectCalendar({ kind: 'caldav', name: 'Work', url: 'https://dav.example/cal/', username: 'u', password: 'p', writeBack: true });
    await api.syncCalendar('c1');
    await api.removeCalendar('c1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['POST /v1/me/calendars', 'POST /v1/me/calendars/c1/sync', 'DELETE /v1/me/calendars/c1']);
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ kind: 'caldav', name: 'Work', url: 'https://dav.example/cal/', username: 'u', password: 'p', writeBack: true });
  });
});
