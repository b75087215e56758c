import { NavLink, Outlet, useNavigate } from 'react-router';

import { Logo } from '@/components/layouts/logo';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useMe } from '@/features/auth/api/get-me';
import { signOut } from '@/features/auth/api/sign-out';
import { LiveUpdatesProvider } from '@/app/live-updates-provider';

const LINKS = [
  { to: paths.import, label: 'Import' },
  { to: paths.imports, label: 'History' },
  { to: paths.cards, label: 'Cards' },
  { to: paths.data, label: 'Data' },
  { to: paths.keys, label: 'API keys' },
  { to: paths.webhooks, label: 'Webhooks' },
  { to: paths.settings, label: 'Settings' },
];

/** The signed-in frame: brand, main navigation, who is signed in, and the page. */
export function AppShell() {
  const { data: me } = useMe();
  const navigate = useNavigate();

  const onSignOut = () => {
    void signOut();
    navigate(paths.signIn, { replace: true });
  };

  return (
    <LiveUpdatesProvider>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="topbar-inner">
            <NavLink to={paths.import} className="brand" aria-label="Intake home">
              <Logo />
            </NavLink>
            <nav className="mainnav" aria-label="Main">
              <ul>
                {LINKS.map((link) => (
                  <li key={link.to}>
                    <NavLink to={link.to} end className={({ isActive }) => (isActive ? 'active' : undefined)}>
                      {link.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="account">
              {me ? (
                <span className="account-email" title={me.workspace.name}>
                  {me.user.email}
                </span>
              ) : null}
              <Button variant="ghost" size="sm" onClick={onSignOut}>
                Sign out
              </Button>
            </div>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </LiveUpdatesProvider>
  );
}
