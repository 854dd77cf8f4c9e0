import { useLocation, useParams } from '../../router.tsx';
import { TabLinks } from '../../ui/index.ts';

/** The Firewall app: the Overview and Firewall Rules tabs. */
export function FirewallScreen() {
  const { zoneId } = useParams();
  const { path } = useLocation();
  const base = `/zones/${zoneId}/firewall`;
  const onRules = path.endsWith('/rules');
  return (
    <div className="screen">
      <h1 className="screen-title">Firewall</h1>
      <TabLinks
        label="Firewall"
        tabs={[
          { to: base, label: 'Overview', active: !onRules },
          { to: `${base}/rules`, label: 'Firewall Rules', active: onRules },
        ]}
      />
    </div>
  );
}
