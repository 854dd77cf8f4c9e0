import { useEffect } from 'react';
import { navigate, useParams } from '../../router.tsx';

/** A zone's own path opens its Firewall. */
export function ZoneIndex() {
  const { zoneId } = useParams();
  useEffect(() => navigate(`/zones/${zoneId}/firewall`, { replace: true }), [zoneId]);
  return null;
}
