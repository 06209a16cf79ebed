// Feedback after a session (POST /v1/bookings/{id}/feedback once, PUT to edit within 7 days):
// the learner rates the session, says whether the expert was the right match and how far it
// got them; the expert keeps private notes and whether the learner attended. A learner who
// marks a request's match as poor gets the request reopened (rematchOffered) with a link to
// new matches.
import { useState } from 'preact/hooks';
import { api, ApiError, type Booking, type ExpertFeedbackInput, type FeedbackView, type LearnerFeedback, type LearnerFeedbackInput, type MatchFit } from '../api';
import { useLoad } from '../load';
import { Link } from '../router';
import { serverNow, useApp } from '../state';
import { formatDate, formatWhen } from '../time';
import { Checkbox, Choice, Dialog, ErrorBanner, Select, TextArea, errorOf, focusFirstInvalid } from '../ui';
import { Stars } from './Reviews';

const fitText: Record<MatchFit, string> = { good: 'Good fit', unsure: 'Not sure', poor: 'Poor fit' };

/** feedbackOpen: the session has ended and took place (what the API accepts feedback on). */
export const feedbackOpen = (b: Booking): boolean => b.status === 'confirmed' || b.status === 'completed' || b.status === 'no_show';

const editable = (until: string | undefined) => !!until && Date.parse(until) > serverNow('UTC').toMillis();

/** rematchLink: where a learner goes after a poor match reopened their request, if it did. */
export function rematchLink(b: Pick<Booking, 'requestId'>, v: Pick<FeedbackView, 'rematchOffered'>): string | null {
  return v.rematchOffered && b.requestId ? `/requests/${encodeURIComponent(b.requestId)}` : null;
}

/** useFeedback loads a booking's feedback once (GET /v1/bookings/{id}/feedback). */
function useFeedback(id: string) {
  const { data, setData, error } = useLoad((signal) => api.feedback(id, signal), [id]);
  return { view: data ?? null, setView: setData, err: error };
}

function LearnerSummary({ f, name }: { f: LearnerFeedback; name?: string }) {
  return (
    <p class="feedback-summary">
      {name ? `${name} rated it ` : 'You rated it '}
      <Stars n={f.rating} /> · would recommend {f.recommend}/10 · {fitText[f.matchFit]}
      {f.progress ? ` · progress ${f.progress}/10` : ''}
      {f.comment && (
        <>
          <br />
          <span class="note-text">“{f.comment}”</span> <span class="muted small-text">({f.shareComment ? 'shared on the expert’s page' : 'not shared publicly'})</span>
        </>
      )}
    </p>
  );
}

// ---------------------------------------------------------------------------------- learner

export function LearnerFeedbackPanel({ b }: { b: Booking }) {
  const { zone } = useApp();
  const { view, setView, err } = useFeedback(b.id);
  const [open, setOpen] = useState(false);
  const [after, setAfter] = useState<{ rematch: string | null; poor: boolean } | null>(null);
  const mine = view?.learner ?? null;
  return (
    <div class="feedback" data-testid="feedback">
      {err ? <ErrorBanner error={err} /> : null}
      {mine ? (
        <>
          <LearnerSummary f={mine} />
          {editable(mine.editableUntil) && (
            <p class="actions">
              <button type="button" class="secondary small" onClick={() => setOpen(true)}>
                Edit feedback
              </button>
              <span class="muted small-text">until {formatDate(mine.editableUntil, zone)}</span>
            </p>
          )}
        </>
      ) : (
        view && (
          <p class="actions">
            <button type="button" class="small" onClick={() => setOpen(true)}>
              Leave feedback
            </button>
            <span class="muted small-text">How did it go?</span>
          </p>
        )
      )}
      {after?.rematch && (
        <p class="banner success" role="status" data-testid="rematch">
          Sorry it was not the right match. Your request is open again: <Link href={after.rematch}>see your new matches</Link>.
        </p>
      )}
      {after && !after.rematch && after.poor && (
        <p class="banner" role="status">
          Sorry it was not the right match. <Link href="/requests/new">Post a request</Link> and Tandem will suggest other experts.
        </p>
      )}
      {open && view && (
        <LearnerFeedbackDialog
          b={b}
          existing={mine}
          onDone={(v) => {
            setOpen(false);
            if (!v) return;
            setView({ ...view, learner: v.learner });
            setAfter({ rematch: rematchLink(b, v), poor: v.learner?.matchFit === 'poor' });
          }}
        />
      )}
    </div>
  );
}

const scale = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function LearnerFeedbackDialog({ b, existing, onDone }: { b: Booking; existing: LearnerFeedback | null; onDone: (v: FeedbackView | null) => void }) {
  const { zone } = useApp();
  const first = b.expert.name.split(' ')[0] ?? b.expert.name;
  const [rating, setRating] = useState<number | undefined>(existing?.rating);
  const [recommend, setRecommend] = useState<number | undefined>(existing?.recommend);
  const [fit, setFit] = useState<MatchFit | undefined>(existing?.matchFit);
  const [progress, setProgress] = useState<string>(existing ? String(existing.progress) : '');
  const [comment, setComment] = useState(existing?.comment ?? '');
  const [share, setShare] = useState(existing?.shareComment ?? false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);

  const submit = async () => {
    setBusy(true);
    setErr(null);
    const body: LearnerFeedbackInput = { comment, shareComment: share };
    if (rating !== undefined) body.rating = rating;
    if (recommend !== undefined) body.recommend = recommend;
    if (fit) body.matchFit = fit;
    if (progress !== '') body.progress = Number(progress);
    try {
      onDone(await api.giveFeedback(b.id, body, !!existing));
    } catch (e) {
      setErr(e);
      setBusy(false);
      focusFirstInvalid();
    }
  };
  const closed = err instanceof ApiError && err.code === 'conflict';
  return (
    <Dialog open title={existing ? 'Edit your feedback' : 'How was your session?'} onClose={() => onDone(null)} class="wide">
      <p class="muted">
        {b.sessionType.name} with {b.expert.name}, {formatWhen(b.start, b.end, zone)}
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Choice legend="Rating" name="rating" value={rating} onValue={setRating} options={scale(1, 5).map((n) => ({ value: n, label: `${n} ★`, title: `${n} out of 5` }))} error={errorOf(err, 'rating')} />
        <Choice
          legend={`How likely are you to recommend ${first} to a colleague?`}
          hint="0 = not at all, 10 = certainly"
          name="recommend"
          class="scale"
          value={recommend}
          onValue={setRecommend}
          options={scale(0, 10).map((n) => ({ value: n, label: String(n) }))}
          error={errorOf(err, 'recommend')}
        />
        <Choice
          legend={`Was ${first} the right person for what you wanted to learn?`}
          name="matchFit"
          value={fit}
          onValue={setFit}
          options={(['good', 'unsure', 'poor'] as const).map((f) => ({ value: f, label: fitText[f] }))}
          error={errorOf(err, 'matchFit')}
          {...(b.requestId ? { hint: 'A poor fit reopens your request so you can find another expert.' } : {})}
        />
        <Select
          label="How far did it get you towards your goal? (optional)"
          value={progress}
          onValue={setProgress}
          options={[{ value: '', label: 'Rather not say' }, ...scale(0, 10).map((n) => ({ value: String(n), label: `${n} of 10` }))]}
          error={errorOf(err, 'progress')}
        />
        <TextArea label="Comment (optional)" value={comment} onValue={setComment} maxLength={2000} error={errorOf(err, 'comment')} />
        <Checkbox label={`Show my comment on ${first}’s page (without my name)`} checked={share} onValue={setShare} error={errorOf(err, 'shareComment')} />
        <ErrorBanner error={err} shown={['rating', 'recommend', 'matchFit', 'progress', 'comment', 'shareComment']} />
        <div class="actions">
          <button type="submit" disabled={busy || closed}>
            {busy ? 'Sending…' : existing ? 'Save changes' : 'Send feedback'}
          </button>
          <button type="button" class="secondary" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------- expert

export function ExpertFeedbackPanel({ b }: { b: Booking }) {
  const { view, setView, err } = useFeedback(b.id);
  const [open, setOpen] = useState(false);
  const notes = view?.expert ?? null;
  const first = b.learner.name.split(' ')[0] ?? b.learner.name;
  return (
    <div class="feedback" data-testid="expert-feedback">
      {err ? <ErrorBanner error={err} /> : null}
      {view?.learner && <LearnerSummary f={view.learner} name={first} />}
      {notes && (
        <p class="private-notes">
          <strong>Your private notes</strong> <span class="muted small-text">(only you see them)</span>: {notes.notes || <span class="muted">none</span>} ·{' '}
          {notes.attended ? `${first} attended` : `${first} did not attend`}
        </p>
      )}
      {view && (!notes || editable(notes.editableUntil)) && (
        <p class="actions">
          <button type="button" class="secondary small" onClick={() => setOpen(true)}>
            {notes ? 'Edit private notes' : 'Add private notes'}
          </button>
        </p>
      )}
      {open && view && (
        <ExpertNotesDialog
          b={b}
          existing={notes ? { notes: notes.notes, attended: notes.attended } : null}
          onDone={(v) => {
            setOpen(false);
            if (v) setView(v);
          }}
        />
      )}
    </div>
  );
}

function ExpertNotesDialog({ b, existing, onDone }: { b: Booking; existing: ExpertFeedbackInput | null; onDone: (v: FeedbackView | null) => void }) {
  const { zone } = useApp();
  const first = b.learner.name.split(' ')[0] ?? b.learner.name;
  const [notes, setNotes] = useState(existing?.notes ?? '');
  const [attended, setAttended] = useState(existing?.attended ?? true);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setErr(null);
    try {
      onDone(await api.giveFeedback(b.id, { notes, attended }, !!existing));
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  return (
    <Dialog open title="Private session notes" onClose={() => onDone(null)}>
      <p class="muted">
        {b.sessionType.name} with {b.learner.name}, {formatWhen(b.start, b.end, zone)}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextArea label="Notes" value={notes} onValue={setNotes} maxLength={4000} rows={5} hint={`Only you can see these; ${first} and HR cannot.`} error={errorOf(err, 'notes')} />
        <Checkbox label={`${first} attended`} checked={attended} onValue={setAttended} error={errorOf(err, 'attended')} />
        <ErrorBanner error={err} shown={['notes', 'attended']} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save notes'}
          </button>
          <button type="button" class="secondary" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
