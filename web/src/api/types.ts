/** The API resources the dashboard reads, as `/client/v4` answers them. */

export interface Account {
  id: string;
  name: string;
}

export interface Zone {
  id: string;
  name: string;
  status: string;
  paused: boolean;
  account: Account;
  created_on: string;
}

export interface Host {
  id: string;
  zone_id: string;
  hostname: string;
  origin: string;
  mtls_enabled: boolean;
  certificate_authority_id: string | null;
  identity_headers: Record<string, boolean>;
  created_on: string;
  modified_on: string;
}

/** The actions the rulesets API takes for custom rules. */
export type RuleAction = 'block' | 'skip' | 'log';

export interface RulesetRule {
  id: string;
  version: string;
  action: RuleAction;
  expression: string;
  description: string;
  enabled: boolean;
  ref?: string;
  last_updated: string;
  action_parameters?: Record<string, unknown>;
}

export interface Ruleset {
  id: string;
  name: string;
  description: string;
  kind: string;
  version: string;
  phase: string;
  last_updated: string;
  rules: RulesetRule[];
}

export interface FirewallEvent {
  id: string;
  occurred_at: string;
  ray_id: string;
  zone_id: string;
  host: string;
  rule_id: string | null;
  action: string;
  reason: string | null;
  client_ip: string;
  method: string;
  path: string;
  cert_fingerprint_sha256: string | null;
  cert_serial: string | null;
}

export interface TopItem {
  value: string;
  count: number;
}

export interface FirewallAnalytics {
  since: string;
  until: string;
  bucket_seconds: number;
  total: number;
  timeseries: { time: string; counts: Record<string, number> }[];
  top: {
    rules: TopItem[];
    hosts: TopItem[];
    reasons: TopItem[];
    certificates: TopItem[];
    actions: TopItem[];
  };
}
