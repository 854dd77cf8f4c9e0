import { api } from '../api/client.ts';
import type { Zone } from '../api/types.ts';
import { useAsync, type AsyncState } from '../ui/use-async.ts';
import { useSession } from './session.tsx';

/** The zone of a `:zoneId` route: from the picker's list when it is there, else read. */
export function useZone(zoneId: string | undefined): AsyncState<Zone | undefined> {
  const { zones } = useSession();
  const known = zones.find((z) => z.id === zoneId);
  return useAsync(
    async (signal) => {
      if (!zoneId) return undefined;
      if (known) return known;
      return api.get<Zone>(`/zones/${zoneId}`, { signal });
    },
    [zoneId, known],
  );
}
