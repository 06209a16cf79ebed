// Small shared pieces: labelled fields that show their own error, loading/empty/error states,
// a modal dialog on the native <dialog> element (focus trap and Escape for free), hooks.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, type BookingStatus } from './api';
import type { Refusal } from './refusal';
import { Link } from './router';
import { fieldError, fieldLabel, fieldMessage } from './words';

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Tandem` : 'Tandem';
  }, [title]);
}

/** errorOf picks the message of one field (and its children, e.g. "topics[1]") from an error. */
export function errorOf(err: unknown, field: string, exact = false): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const list = exact ? err.fields.filter((f) => f.field === field) : err.fieldsUnder(field);
  if (list.length === 0) return undefined;
  // In words (words.ts): no field paths, no raw enum values.
  return list.map((f) => (f.field === field ? fieldMessage(f.field, f.message) : `${fieldLabel(f.field.slice(field.length).replace(/^\./, ''))}: ${fieldMessage(f.field, f.message)}`)).join(' ');
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  class?: string;
  children: (p: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren;
}

/** Field renders a label, the control (given its id and ARIA links) and its hint and error. */
export function Field({ label, error, hint, children, class: cls }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, ...(described ? { 'aria-describedby': described } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'label' | 'value' | 'onInput' | 'class'> & {
  class?: string;
  label: string;
  value: string | number;
  onValue: (v: string) => void;
  error?: string | undefined;
  hint?: string;
};

export function TextField({ label, value, onValue, error, hint, class: cls, ...rest }: InputProps) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})} {...(typeof cls === 'string' ? { class: cls } : {})}>
      {(a) => <input {...rest} {...a} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

const UNIT_MIN = { minutes: 1, hours: 60, days: 1440 } as const;
type DurationUnit = keyof typeof UNIT_MIN;

/**
 * DurationField edits a length kept in minutes as a number and a unit people think in
 * ("12 hours", "2 days"), never "720" minutes.
 */
export function DurationField(p: { label: string; minutes: number; onMinutes: (m: number) => void; units?: DurationUnit[]; error?: string | undefined; hint?: string }) {
  const units = p.units ?? ['hours', 'days'];
  const fit = (m: number): DurationUnit => [...units].reverse().find((u) => m > 0 && m % UNIT_MIN[u] === 0) ?? units[0]!;
  const [unit, setUnit] = useState<DurationUnit>(() => fit(p.minutes));
  const value = Math.round((p.minutes / UNIT_MIN[unit]) * 100) / 100;
  return (
    <Field label={p.label} error={p.error} {...(p.hint ? { hint: p.hint } : {})} class="duration">
      {(a) => (
        <div class="duration-row">
          <input {...a} type="number" min={0} step="any" inputMode="decimal" value={value} onInput={(e) => p.onMinutes(Math.round((Number(e.currentTarget.value) || 0) * UNIT_MIN[unit]))} />
          <select aria-label={`${p.label}: unit`} value={unit} onChange={(e) => setUnit(e.currentTarget.value as DurationUnit)}>
            {units.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </div>
      )}
    </Field>
  );
}

export function TextArea(p: { label: string; value: string; onValue: (v: string) => void; error?: string | undefined; hint?: string; rows?: number; maxLength?: number }) {
  return (
    <Field label={p.label} error={p.error} {...(p.hint ? { hint: p.hint } : {})}>
      {(a) => <textarea {...a} rows={p.rows ?? 3} maxLength={p.maxLength} value={p.value} onInput={(e) => p.onValue(e.currentTarget.value)} />}
    </Field>
  );
}

export function Select(p: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: readonly (string | { value: string; label: string })[];
  error?: string | undefined;
  hint?: string;
  class?: string;
}) {
  return (
    <Field label={p.label} error={p.error} {...(p.hint ? { hint: p.hint } : {})} {...(p.class ? { class: p.class } : {})}>
      {(a) => (
        <select {...a} value={p.value} onChange={(e) => p.onValue(e.currentTarget.value)}>
          {p.options.map((o) =>
            typeof o === 'string' ? <option value={o} key={o}>{o.replace(/_/g, ' ')}</option> : <option value={o.value} key={o.value}>{o.label}</option>,
          )}
        </select>
      )}
    </Field>
  );
}

export function Checkbox(p: { label: string; checked: boolean; onValue: (v: boolean) => void; error?: string | undefined; hint?: string }) {
  const id = useId();
  return (
    <div class={`field checkbox${p.error ? ' has-error' : ''}`}>
      <label for={id}>
        <input
          id={id}
          type="checkbox"
          checked={p.checked}
          onChange={(e) => p.onValue(e.currentTarget.checked)}
          aria-describedby={[p.hint ? `${id}-hint` : '', p.error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined}
          aria-invalid={p.error ? true : undefined}
        />{' '}
        {p.label}
      </label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="error" id={`${id}-err`}>
          {p.error}
        </p>
      )}
    </div>
  );
}

/**
 * Choice is a radio group in a fieldset: the legend names it, each option is a pill, and an
 * error marks every radio invalid (so focusFirstInvalid lands on the group).
 */
export function Choice<T extends string | number>(p: {
  legend: string;
  name: string;
  value: T | undefined;
  options: readonly { value: T; label: string; title?: string }[];
  onValue: (v: T) => void;
  error?: string | undefined;
  hint?: string;
  class?: string;
}) {
  const id = useId();
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`choice${p.error ? ' has-error' : ''}${p.class ? ` ${p.class}` : ''}`} aria-describedby={described}>
      <legend>{p.legend}</legend>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      <div class="pills">
        {p.options.map((o) => (
          <label class="pill" key={String(o.value)} title={o.title}>
            <input type="radio" name={`${p.name}-${id}`} value={String(o.value)} checked={p.value === o.value} onChange={() => p.onValue(o.value)} aria-invalid={p.error ? true : undefined} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {p.error && (
        <p class="error" id={`${id}-err`}>
          {p.error}
        </p>
      )}
    </fieldset>
  );
}

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {what}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** ErrorBanner shows an error's message; field errors that no field shows are listed too. */
export function ErrorBanner({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const msg = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  const rest = error instanceof ApiError ? error.fields.filter((f) => !shown.some((s) => f.field === s || f.field.startsWith(s + '[') || f.field.startsWith(s + '.'))) : [];
  return (
    <div class="banner error-banner" role="alert">
      <p>{msg}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map((f) => (
            <li key={f.field}>{fieldError(f.field, f.message)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** RefusalBanner says why a booking was refused and, when it can, what to do instead. */
export function RefusalBanner({ refusal }: { refusal: Refusal }) {
  return (
    <div class="banner error-banner" role="alert" data-refusal={refusal.kind}>
      {refusal.title && (
        <p>
          <strong>{refusal.title}</strong>
        </p>
      )}
      <p>{refusal.message}</p>
      {refusal.advice && <p>{refusal.advice}</p>}
      {refusal.circleId && (
        <p>
          <Link href={`/circles/${encodeURIComponent(refusal.circleId)}`}>See the group session</Link>
        </p>
      )}
    </div>
  );
}

/** Dialog is a modal <dialog>: open shows it, Escape or the close button calls onClose. */
export function Dialog(p: { open: boolean; title: string; onClose: () => void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) d.showModal();
    if (!p.open && d.open) d.close();
  }, [p.open]);
  // Give focus back to whatever opened the dialog (if it is still there) when it goes away.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const d = ref.current;
    return () => {
      d?.close(); // while a modal dialog is open the rest of the page is inert
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog${p.class ? ` ${p.class}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
    >
      {p.open && (
        <div class="dialog-body">
          <h2 id={titleId}>{p.title}</h2>
          {p.children}
        </div>
      )}
    </dialog>
  );
}

/**
 * ConfirmDialog asks before an action that cannot be undone (archive a program, close a
 * request): a modal Dialog (focus stays inside it), the action's error shown in it, and
 * onDone with the action's answer, or null when the user kept things as they were.
 */
export function ConfirmDialog<T>(p: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  busyLabel?: string;
  keepLabel: string;
  run: () => Promise<T>;
  onDone: (result: T | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const go = async () => {
    setBusy(true);
    setErr(null);
    try {
      p.onDone(await p.run());
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  return (
    <Dialog open title={p.title} onClose={() => p.onDone(null)}>
      {p.children}
      <ErrorBanner error={err} />
      <div class="actions">
        <button type="button" class="danger" disabled={busy} onClick={() => void go()}>
          {busy ? (p.busyLabel ?? 'Working…') : p.confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={() => p.onDone(null)}>
          {p.keepLabel}
        </button>
      </div>
    </Dialog>
  );
}

const statusText: Record<BookingStatus, string> = {
  pending: 'Waiting for approval',
  confirmed: 'Confirmed',
  declined: 'Declined',
  expired: 'Expired',
  cancelled: 'Cancelled',
  completed: 'Completed',
  no_show: 'No-show',
};

/** StatusBadge names a booking's status; a pending seat offered from a waitlist is "Seat offered". */
/** The link from a seat of a group session to its circle page. */
export function GroupSessionLink({ circleId }: { circleId: string }) {
  return (
    <p class="small-text">
      <Link class="group-label" href={`/circles/${encodeURIComponent(circleId)}`}>
        Group session
      </Link>
    </p>
  );
}

export function StatusBadge({ status, offer = false }: { status: BookingStatus; offer?: boolean | undefined }) {
  return <span class={`badge badge-${status}`}>{offer && status === 'pending' ? 'Seat offered' : statusText[status]}</span>;
}

/** focusFirstInvalid moves focus to the first field marked invalid, after the next render. */
export function focusFirstInvalid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** saveBlob offers a downloaded file to the user under filename. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** newIdempotencyKey: one per confirmation dialog, so a retried click cannot book twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
