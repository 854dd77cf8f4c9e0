/** The edges route as the Edges screen calls it. */
import { api, type ResultInfo } from '../../api/client.ts';

/** One edge that reported to this installation, as `GET /edges` shows it. */
export interface Edge {
  id: string;
  name: string;
  /** The role its process runs as, e.g. `edge` or `all`. */
  role: string;
  /** The configuration version it serves. */
  applied_version: number;
  versions_behind: number;
  /** `store` when it read its configuration from the database, `local copy` when it could not. */
  source: string;
  /** Whether it reported within `PORTCULLIS_EDGE_TIMEOUT_SECONDS`: only live edges count. */
  live: boolean;
  first_seen: string;
  last_seen: string;
}

/** The whole fleet: the edges, how many are live and the version they should serve. */
export interface EdgeFleet {
  edges: Edge[];
  live: number;
  configVersion: number;
  /** When the answer arrived, in ms: the "now" that ages such as "3 s ago" count from. */
  fetchedAt: number;
}

interface EdgesInfo extends ResultInfo {
  live: number;
  config_version: number;
}

export async function listEdges(signal?: AbortSignal): Promise<EdgeFleet> {
  const { items, info } = await api.page<Edge>('/edges', { signal });
  // The route always sends both counts; the generic page type does not know them.
  const { live, config_version } = info as EdgesInfo;
  return { edges: items, live, configVersion: config_version, fetchedAt: Date.now() };
}
