import { Link } from 'react-router';

import { paths } from '@/config/paths';

import { useTitle } from './use-title';

export function NotFoundRoute() {
  useTitle('Not found');
  return (
    <div className="page empty-state">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link className="btn btn-secondary" to={paths.import}>
        Go to Import
      </Link>
    </div>
  );
}
