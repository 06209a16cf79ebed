// The shell: sign-in state, the signed-in user and display zone, navigation by role, routes
// with role guards, and focus moved to each new page's heading for screen-reader users.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, configure, type Me, type Role } from './api';
import { clearSession, cognitoLogoutUrl, completeCognitoSignIn, detectMode, loadSession, type AuthSetup, type Session } from './auth';
import { ZonePicker } from './components/ZonePicker';
import { Bell } from './components/Bell';
import { Availability } from './pages/Availability';
import { BookingPage } from './pages/bookings/BookingPage';
import { Calendars } from './pages/calendars/Calendars';
import { Inbox } from './pages/notifications/Inbox';
import { NotificationSettings } from './pages/notifications/Settings';
import { Unsubscribe } from './pages/notifications/Unsubscribe';
import { CirclePage } from './pages/CirclePage';
import { Board, OfferTimes } from './pages/Board';
import { ExpertPage } from './pages/ExpertPage';
import { ExpertProfile } from './pages/ExpertProfile';
import { Experts } from './pages/Experts';
import { Home } from './pages/Home';
import { HrPage } from './pages/hr/HrPage';
import { NotAllowed, NotFound } from './components/NotFound';
import { MentorshipPage } from './pages/mentorships/MentorshipPage';
import { Mentorships } from './pages/mentorships/Mentorships';
import { ProposeMentorship } from './pages/mentorships/Propose';
import { Flash } from './pages/flash/Flash';
import { FlashHr } from './pages/flash/FlashHr';
import { MyCohort } from './pages/programs/MyCohort';
import { Programs } from './pages/programs/Programs';
import { Reschedule } from './pages/Reschedule';
import { MyRequests } from './pages/requests/MyRequests';
import { NewRequest } from './pages/requests/NewRequest';
import { RequestPage } from './pages/requests/RequestPage';
import { Schedule } from './pages/Schedule';
import { Sessions } from './pages/Sessions';
import { SignIn } from './pages/SignIn';
import { Link, match, navigate, useLocation } from './router';
import { AppContext, hasRole, type AppState } from './state';
import { browserZone, isZone } from './time';
import { ErrorBanner, Loading } from './ui';

export function App() {
  const loc = useLocation();
  const [setup, setSetup] = useState<AuthSetup | null>(null);
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [me, setMe] = useState<Me | null>(null);
  const [zone, setZone] = useState('');
  const [fatal, setFatal] = useState<unknown>(null);
  const [notice, setNoticeState] = useState<{ text: string; path: string }>({ text: '', path: '' });
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const signOut = () => {
    clearSession();
    setSession(null);
    setMe(null);
    if (setup?.mode === 'cognito' && setup.config) location.assign(cognitoLogoutUrl(setup.config));
    else navigate('/signin');
  };
  configure({
    token: () => sessionRef.current?.token ?? null,
    onUnauthenticated: () => {
      clearSession();
      setSession(null);
      setMe(null);
    },
  });

  useEffect(() => {
    void detectMode().then(setSetup);
  }, []);

  useEffect(() => {
    if (loc.path !== '/auth/callback' || setup?.mode !== 'cognito' || !setup.config) return;
    completeCognitoSignIn(setup.config, location.search).then(({ session: s, returnTo }) => {
      setSession(s);
      navigate(returnTo, { replace: true });
    }, setFatal);
  }, [setup, loc.path]);

  useEffect(() => {
    if (!session) return;
    setFatal(null);
    api.me().then((m) => {
      setMe(m);
      setZone((z) => z || (isZone(m.timezone) ? m.timezone : browserZone()));
    }, setFatal);
  }, [session]);

  // Notices are shown on the page they were meant for, then dropped.
  useEffect(() => {
    if (notice.text && notice.path !== loc.path) setNoticeState({ text: '', path: '' });
  }, [loc.path]);

  // After in-app navigation, move focus to the new page's heading.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: false }));
  }, [loc.path]);

  // An e-mail's unsubscribe link works without signing in.
  if (loc.path === '/unsubscribe') return <Unsubscribe signedIn={!!me} />;
  if (!setup || (session && !me && !fatal) || (loc.path === '/auth/callback' && !fatal && !session)) {
    return (
      <div class="boot">
        <Loading what="Starting Tandem…" />
      </div>
    );
  }
  if (fatal && (!session || !me)) {
    return (
      <main id="main" class="boot">
        <h1 tabIndex={-1}>Tandem could not start</h1>
        <ErrorBanner error={fatal} />
        <button type="button" onClick={signOut}>
          Sign in again
        </button>
      </main>
    );
  }
  if (!session || !me) {
    const returnTo = loc.path === '/signin' || loc.path === '/auth/callback' ? '/' : loc.path + location.search;
    return (
      <SignIn
        setup={setup}
        returnTo={returnTo}
        onSignedIn={(s) => {
          setSession(s);
          if (loc.path === '/signin') navigate('/', { replace: true });
        }}
      />
    );
  }

  const state: AppState = {
    me,
    zone,
    setZone,
    setMe,
    signOut,
    notice: notice.path === loc.path ? notice.text : '',
    setNotice: (text, path) => setNoticeState({ text, path }),
  };
  return (
    <AppContext.Provider value={state}>
      <a class="skip" href="#main">
        Skip to main content
      </a>
      <Header me={me} path={loc.path} onSignOut={signOut} />
      <div class="toolbar">
        <ZonePicker />
      </div>
      <Routes path={loc.path} me={me} />
      <footer class="footer">
        <p class="muted">Tandem · signed in as {me.email} ({me.org})</p>
      </footer>
    </AppContext.Provider>
  );
}

/**
 * A main navigation entry. `more` puts it in the "More" menu on wide screens (the phone menu
 * lists everything). To add an entry, add it to NAV; to add a control to the header (e.g. a
 * notifications bell), put it in HeaderActions.
 */
export interface NavItem {
  href: string;
  label: string;
  role?: Role;
  /** only for users without this role (an expert's learner pages are fewer) */
  notRole?: Role;
  more?: boolean | ((me: Me) => boolean);
}

export const NAV: NavItem[] = [
  { href: '/', label: 'Home' },
  { href: '/expert/schedule', label: 'Schedule', role: 'expert' },
  { href: '/expert/board', label: 'Request board', role: 'expert' },
  { href: '/expert/availability', label: 'Availability', role: 'expert' },
  { href: '/expert/profile', label: 'Profile', role: 'expert' },
  { href: '/hr', label: 'HR', role: 'hr' },
  { href: '/experts', label: 'Find experts' },
  { href: '/sessions', label: 'My sessions' },
  { href: '/requests', label: 'My requests', more: (me) => hasRole(me, 'expert') },
  { href: '/programs', label: 'Programs', more: (me) => hasRole(me, 'expert') },
  { href: '/mentorships', label: 'Mentorships', more: true },
  { href: '/flash', label: 'Flash mentoring', more: true },
  { href: '/calendars', label: 'Calendars', more: true },
];

const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path === href || path.startsWith(href + '/'));

function Header({ me, path, onSignOut }: { me: Me; path: string; onSignOut: () => void }) {
  const [menu, setMenu] = useState(false); // the phone menu
  const [more, setMore] = useState(false); // the "More" menu on wide screens
  const moreRef = useRef<HTMLLIElement>(null);
  useEffect(() => {
    setMenu(false);
    setMore(false);
  }, [path]);
  useEffect(() => {
    if (!more) return;
    const out = (e: Event) => {
      if (!moreRef.current?.contains(e.target as Node)) setMore(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setMore(false);
        moreRef.current?.querySelector('button')?.focus();
      }
    };
    document.addEventListener('click', out);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', out);
      document.removeEventListener('keydown', esc);
    };
  }, [more]);
  const items = NAV.filter((l) => (!l.role || hasRole(me, l.role)) && (!l.notRole || !hasRole(me, l.notRole)));
  const inMore = (l: NavItem) => (typeof l.more === 'function' ? l.more(me) : !!l.more);
  const primary = items.filter((l) => !inMore(l));
  const rest = items.filter(inMore);
  const link = (l: NavItem) => (
    <li key={l.href}>
      <Link href={l.href} aria-current={isCurrent(l.href, path) ? 'page' : undefined}>
        {l.label}
      </Link>
    </li>
  );
  return (
    <header class={`header${menu ? ' menu-open' : ''}`}>
      <Link href="/" class="brand">
        Tandem
      </Link>
      <button type="button" class="menu-button secondary small" aria-expanded={menu} aria-controls="main-nav" onClick={() => setMenu((m) => !m)}>
        {menu ? 'Close menu' : 'Menu'}
      </button>
      <nav aria-label="Main" id="main-nav">
        <ul>
          {primary.map(link)}
          {rest.length > 0 && (
            <li class="more" ref={moreRef}>
              <button
                type="button"
                class={`more-toggle${rest.some((l) => isCurrent(l.href, path)) ? ' current' : ''}`}
                aria-expanded={more}
                aria-controls="more-menu"
                onClick={() => setMore((m) => !m)}
              >
                More
              </button>
              <ul id="more-menu" class={more ? 'open' : ''}>
                {rest.map(link)}
              </ul>
            </li>
          )}
        </ul>
      </nav>
      <HeaderActions me={me} path={path} onSignOut={onSignOut} />
    </header>
  );
}

/** HeaderActions: controls at the header's end (add a notifications bell here, before the name). */
function HeaderActions({ me, path, onSignOut }: { me: Me; path: string; onSignOut: () => void }) {
  return (
    <div class="who header-actions">
      <Bell current={path === '/notifications' || path.startsWith('/notifications/')} />
      <span class="who-name">{me.name}</span>
      <button type="button" class="secondary small" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Routes({ path, me }: { path: string; me: Me }) {
  const guard = (role: Role, el: JSX.Element) => (hasRole(me, role) ? el : <NotAllowed need={role} />);
  let p: Record<string, string> | null;
  if (path === '/signin') return <Redirect to="/" />;
  if (path === '/') return <Home />;
  if (match('/experts', path)) return <Experts />;
  if ((p = match('/experts/:id', path))) return <ExpertPage id={p.id!} />;
  if (match('/sessions', path)) return <Sessions />;
  if ((p = match('/sessions/:id/reschedule', path))) return <Reschedule id={p.id!} />;
  if ((p = match('/circles/:id', path))) return <CirclePage id={p.id!} />;
  if (match('/requests', path)) return <MyRequests />;
  if (match('/requests/new', path)) return <NewRequest />;
  if ((p = match('/requests/:id', path))) return <RequestPage id={p.id!} />;
  if (match('/programs', path)) return <Programs />;
  if (match('/mentorships', path)) return <Mentorships />;
  if (match('/mentorships/new', path)) return <ProposeMentorship />;
  if ((p = match('/mentorships/:id', path))) return <MentorshipPage id={p.id!} />;
  if (match('/flash', path)) return <Flash />;
  if (match('/hr/flash', path)) return guard('hr', <FlashHr />);
  if ((p = match('/bookings/:id', path))) return <BookingPage id={p.id!} />;
  if (match('/notifications', path)) return <Inbox />;
  if (match('/notifications/settings', path)) return <NotificationSettings />;
  if (match('/calendars', path)) return <Calendars />;
  if ((p = match('/programs/:id/cohort', path))) return <MyCohort id={p.id!} />;
  if (match('/expert/board', path)) return guard('expert', <Board />);
  if ((p = match('/expert/board/:id', path))) return guard('expert', <OfferTimes id={p.id!} />);
  if (match('/expert/profile', path)) return guard('expert', <ExpertProfile />);
  if (match('/expert/availability', path)) return guard('expert', <Availability />);
  if (match('/expert/schedule', path)) return guard('expert', <Schedule />);
  if (match('/hr', path)) return guard('hr', <HrPage view="dashboard" />);
  if (match('/hr/settings', path)) return guard('hr', <HrPage view="settings" />);
  if (match('/hr/mentorships', path)) return guard('hr', <HrPage view="mentorships" />);
  if (match('/hr/programs', path)) return guard('hr', <HrPage view="programs" />);
  if (match('/hr/programs/new', path)) return guard('hr', <HrPage view="new-program" />);
  if ((p = match('/hr/programs/:id', path))) return guard('hr', <HrPage view="builder" id={p.id!} />);
  return <NotFound />;
}
