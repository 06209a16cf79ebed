// Pieces the learner's request pages and the expert's board share: status badges, the
// request summary, preferred times on both clocks, and the labels of the matching signals.
import type { LearnerRequest, RequestStatus, Signal, Urgency } from '../api';
import { serverNow } from '../state';
import { formatDate, formatDuration, windowLabel, zoneLabel } from '../time';

const requestStatusText: Record<RequestStatus, string> = {
  open: 'Looking for an expert',
  offered: 'Times offered',
  booked: 'Booked',
  closed: 'Closed',
  expired: 'Expired',
};

export function RequestBadge({ status }: { status: RequestStatus }) {
  return <span class={`badge badge-req-${status}`}>{requestStatusText[status] ?? status}</span>;
}

export const urgencyText: Record<Urgency, string> = { low: 'No rush', normal: 'Normal', high: 'Urgent' };

/** matchable: the request still looks for an expert (offers and bookings may be made). */
export const matchable = (r: { status: RequestStatus }) => r.status === 'open' || r.status === 'offered';

/** signalLabels name the matching signals for people (the API's names are identifiers). */
export const signalLabels: Record<string, string> = {
  topic: 'Topics',
  capacity: 'Free when you are',
  language: 'Language',
  timezone: 'Time zone',
  rating: 'Rating',
  load: 'Workload',
  connection: 'New connection',
};

export const signalLabel = (name: string): string => signalLabels[name] ?? name;

/**
 * pointsTotal adds the signals' points in whole ten-thousandths, as the API does, so the sum
 * equals the score exactly (a float sum can be off in the 17th digit).
 */
export function pointsTotal(signals: readonly Signal[]): number {
  return signals.reduce((n, s) => n + Math.round(s.points * 10_000), 0) / 10_000;
}

/** PreferredTimes lists the weekly windows on the learner's clock and, if different, the viewer's. */
export function PreferredTimes({ r, viewerZone }: { r: LearnerRequest; viewerZone: string }) {
  if (r.preferredTimes.length === 0) return <span class="muted">any time</span>;
  const anchor = serverNow(r.timezone);
  return (
    <ul class="windows">
      {r.preferredTimes.map((w, i) => {
        const l = windowLabel({ ...w, startHour: w.startHour ?? 0 }, r.timezone, viewerZone, anchor); // absent means midnight
        return (
          <li key={i}>
            {l.own}
            {l.viewer && <span class="muted"> (your time {l.viewer})</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** RequestFacts is the summary of a request: topics, length, urgency, times, language, expiry. */
export function RequestFacts({ r, zone, mine }: { r: LearnerRequest; zone: string; mine: boolean }) {
  return (
    <dl class="facts request-facts">
      <dt>Topics</dt>
      <dd>
        <ul class="chips" aria-label="Topics">
          {r.topics.map((t) => (
            <li key={t}>
              <span class="chip">{t.replace(/-/g, ' ')}</span>
            </li>
          ))}
        </ul>
      </dd>
      <dt>Length</dt>
      <dd>{formatDuration(r.durationMin)}</dd>
      <dt>Urgency</dt>
      <dd>{urgencyText[r.urgency] ?? r.urgency}</dd>
      <dt>{mine ? 'Good times for you' : 'Good times for the learner'}</dt>
      <dd>
        <PreferredTimes r={r} viewerZone={zone} />
        <span class="muted small-text">on {mine ? 'your' : 'their'} clock, {zoneLabel(r.timezone)}</span>
      </dd>
      <dt>Language</dt>
      <dd>{r.language || <span class="muted">any</span>}</dd>
      <dt>{matchable(r) ? 'Open until' : 'Posted'}</dt>
      <dd>{formatDate(matchable(r) ? r.expiresAt : r.createdAt, zone)}</dd>
    </dl>
  );
}
