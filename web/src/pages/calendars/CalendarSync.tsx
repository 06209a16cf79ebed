// On the Availability page: opening it syncs the expert's connected calendars at once (POST
// /v1/me/calendars/{id}/sync for each, in parallel; aborted when the page is left) and says in
// one line whether their busy times are current; onSynced lets the page refresh its preview.
import { useEffect } from 'preact/hooks';
import { api, type CalendarConnection } from '../../api';
import { syncSummary } from '../../calendars';
import { useLoad } from '../../load';
import { Link } from '../../router';

export function CalendarSync({ onSynced }: { onSynced?: () => void }) {
  const synced = useLoad(async (signal): Promise<CalendarConnection[]> => {
    const l = await api.calendars(signal);
    // A sync that fails to answer keeps the connection as listed (its status says the rest).
    return Promise.all(l.items.map((c) => api.syncCalendar(c.id, signal).catch((e: unknown) => (signal.aborted ? Promise.reject(e) : c))));
  }, []);
  useEffect(() => {
    if (synced.data && synced.data.length > 0) onSynced?.();
  }, [synced.data]);
  if (synced.error) return null;
  return (
    <p class="calendar-sync zone-note" role="status" data-testid="calendar-sync">
      {synced.loading ? (
        'Reading your connected calendars…'
      ) : synced.data && synced.data.length > 0 ? (
        <>
          {syncSummary(synced.data)} <Link href="/calendars">{synced.data.some((c) => c.status === 'error') ? 'See why on Calendars' : 'Your calendars'}</Link>
        </>
      ) : (
        <>
          Busy in another calendar? <Link href="/calendars">Connect it</Link> and those times are not offered.
        </>
      )}
    </p>
  );
}
