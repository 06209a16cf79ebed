// App-wide state that every screen reads: who is signed in, the zone times are shown in,
// and the server's clock (which `tandem dev -now` may set far from the device's).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { DateTime } from 'luxon';
import type { Me, Role } from './api';

export interface AppState {
  me: Me;
  /** zone is the zone every time is shown in: the saved one, the device's, or a chosen one. */
  zone: string;
  setZone: (zone: string) => void;
  setMe: (me: Me) => void;
  signOut: () => void;
  notice: string;
  /** setNotice shows text once on the page at path (e.g. after navigating there). */
  setNotice: (text: string, path: string) => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside AppContext');
  return s;
}

export const hasRole = (me: Me, role: Role): boolean => me.roles.includes(role);

// The server's "now": learnt from the first slot listing without a range, whose `from` is the
// server's current instant. Until then the device clock stands in.
let skewMs = 0;
let known = false;

export function learnServerNow(iso: string): void {
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) {
    skewMs = t - Date.now();
    known = true;
  }
}

export const serverClockKnown = (): boolean => known;
export const serverNow = (zone: string): DateTime => DateTime.fromMillis(Date.now() + skewMs, { zone });
