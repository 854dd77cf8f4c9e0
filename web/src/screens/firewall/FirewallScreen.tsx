import { useLocation, useParams } from '../../router.tsx';
import { TabLinks } from '../../ui/index.ts';
import { useZone } from '../../layout/use-zone.ts';
import { OverviewTab } from './OverviewTab.tsx';
import { RulesTab } from './RulesTab.tsx';

/** The Firewall app: the Overview and Firewall Rules tabs, each its own route. */
export function FirewallScreen() {
  const { zoneId = '' } = useParams();
  const { path } = useLocation();
  const zone = useZone(zoneId);
  const base = `/zones/${zoneId}/firewall`;
  const onRules = path.endsWith('/rules');
  return (
    <div className="screen">
      <h1 className="screen-title">Firewall</h1>
      <p className="screen-lead">
        {zone.data ? `${zone.data.name}: ` : ''}
        see what the edge blocked, and decide what it blocks.
      </p>
      <TabLinks
        label="Firewall"
        tabs={[
          { to: base, label: 'Overview', active: !onRules },
          { to: `${base}/rules`, label: 'Firewall Rules', active: onRules },
        ]}
      />
      {onRules ? <RulesTab zoneId={zoneId} /> : <OverviewTab zoneId={zoneId} />}
    </div>
  );
}
