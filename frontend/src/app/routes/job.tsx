import { useParams } from 'react-router';

import { JobView } from '@/features/imports/components/job-view';

import { useTitle } from './use-title';

export function JobRoute() {
  const { id = '' } = useParams();
  useTitle('Import');
  return (
    <div className="page">
      <JobView key={id} id={id} />
    </div>
  );
}
