import type {
  Account,
  ApiToken,
  AuditEntry,
  CertificateAuthority,
  ClientCertificate,
  ClientCertificateStatus,
  CustomCertificate,
  ConfigChange,
  Filter,
  EdgeNode,
  FirewallEvent,
  Host,
  ListItem,
  ListOperation,
  RuleList,
  RulesetInfo,
  Page,
  PageQuery,
  Rule,
  Zone,
} from './types.ts';

export type NewAccount = Pick<Account, 'name'> & { id?: string };
export type NewZone = Pick<Zone, 'accountId' | 'name'> & { id?: string; paused?: boolean };
export type ZonePatch = Partial<Pick<Zone, 'name' | 'paused'>>;
export type NewHost = Pick<Host, 'zoneId' | 'hostname' | 'origin'> &
  Partial<Pick<Host, 'id' | 'mtlsEnabled' | 'certificateAuthorityId' | 'identityHeaders'>>;
export type HostPatch = Partial<
  Pick<Host, 'hostname' | 'origin' | 'mtlsEnabled' | 'certificateAuthorityId' | 'identityHeaders'>
>;
export type NewCertificateAuthority = Pick<
  CertificateAuthority,
  'accountId' | 'kind' | 'name' | 'certificatePem' | 'sealedPrivateKey'
> & { id?: string };
export type CertificateAuthorityPatch = Partial<
  Pick<CertificateAuthority, 'name' | 'crlNumber' | 'crlDer'>
>;
export type NewCustomCertificate = Omit<CustomCertificate, 'id' | 'uploadedOn' | 'modifiedOn'> & {
  id?: string;
};
export type CustomCertificatePatch = Partial<
  Omit<CustomCertificate, 'id' | 'zoneId' | 'uploadedOn' | 'modifiedOn'>
>;
export type NewClientCertificate = Omit<
  ClientCertificate,
  'id' | 'status' | 'revokedOn' | 'statusVersion'
> & { id?: string };
export type NewRule = Pick<Rule, 'zoneId' | 'action' | 'expression'> &
  Partial<
    Pick<Rule, 'id' | 'description' | 'enabled' | 'ref' | 'actionParameters' | 'filterId'>
  > & {
    /** Where to insert; the end of the list when absent. */
    position?: number;
  };
export type RulePatch = Partial<
  Pick<Rule, 'action' | 'expression' | 'description' | 'enabled' | 'ref' | 'actionParameters'>
> & { position?: number };
export type NewApiToken = Pick<ApiToken, 'name' | 'secretHash' | 'policies'> &
  Partial<Pick<ApiToken, 'id' | 'status' | 'expiresOn'>>;
export type ApiTokenPatch = Partial<
  Pick<ApiToken, 'name' | 'secretHash' | 'policies' | 'status' | 'expiresOn' | 'lastUsedOn'>
>;
export type NewFilter = Pick<Filter, 'zoneId' | 'expression'> &
  Partial<Pick<Filter, 'id' | 'description' | 'paused' | 'ref'>>;
export type FilterPatch = Partial<Pick<Filter, 'expression' | 'description' | 'paused' | 'ref'>>;

export type RulesetPatch = Partial<Pick<RulesetInfo, 'name' | 'description'>>;
export type NewList = Pick<RuleList, 'accountId' | 'name' | 'kind'> &
  Partial<Pick<RuleList, 'id' | 'description'>>;
export type NewListItem = Pick<ListItem, 'value'> & Partial<Pick<ListItem, 'comment'>>;

export interface ListItemQuery extends PageQuery {
  /** Only items whose value contains this text. */
  search?: string;
}

/** What an edge reports about itself; `role` defaults to `edge`, `source` to `store`. */
export type NewEdgeReport = Pick<EdgeNode, 'id' | 'name' | 'appliedVersion'> &
  Partial<Pick<EdgeNode, 'role' | 'source'>>;

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'when'> & { when?: string };

export interface ZoneQuery extends PageQuery {
  accountId?: string;
  name?: string;
}

export interface ClientCertificateQuery extends PageQuery {
  zoneId: string;
  status?: ClientCertificateStatus;
}

export interface AuditQuery extends PageQuery {
  accountId: string;
  since?: string;
  before?: string;
  /** Only entries of this id, action or zone. */
  id?: string;
  action?: string;
  zoneId?: string;
  /** Oldest first; newest first by default. */
  ascending?: boolean;
}

export interface EventQuery {
  zoneId: string;
  /** Inclusive lower bound, epoch ms. */
  since?: number;
  /** Exclusive upper bound, epoch ms. */
  until?: number;
  action?: string;
  host?: string;
  ruleId?: string;
  reason?: string;
  certFingerprint?: string;
  clientIp?: string;
  /** Opaque cursor from a previous page; events strictly older than it. */
  cursor?: string;
  limit?: number;
}

export interface AnalyticsQuery {
  zoneId: string;
  /** Inclusive lower bound, epoch ms. */
  since: number;
  /** Exclusive upper bound, epoch ms. */
  until: number;
  /** Width of a time bucket, ms; rounded up to whole minutes. Buckets start on the minute. */
  bucketMs: number;
  /** How many entries each top list keeps. */
  top: number;
}

export interface EventAnalytics {
  /** Per bucket start (epoch ms), the number of events per action; empty buckets left out. */
  series: { time: number; counts: Record<string, number> }[];
  /** The bucket width used, ms. */
  bucketMs: number;
  total: number;
  topRules: { value: string; count: number }[];
  topHosts: { value: string; count: number }[];
  topReasons: { value: string; count: number }[];
  topCertificates: { value: string; count: number }[];
  topActions: { value: string; count: number }[];
}

export interface EventPage {
  items: FirewallEvent[];
  /** Present when more events match. */
  cursor?: string;
}

/** Everything Portcullis keeps, behind one interface; SQLite and PostgreSQL implement it. */
export interface StoreData {
  createAccount(input: NewAccount): Promise<Account>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(query?: PageQuery): Promise<Page<Account>>;
  updateAccount(id: string, patch: { name?: string }): Promise<Account>;

  createZone(input: NewZone): Promise<Zone>;
  getZone(id: string): Promise<Zone | undefined>;
  listZones(query?: ZoneQuery): Promise<Page<Zone>>;
  updateZone(id: string, patch: ZonePatch): Promise<Zone>;
  /** Refused with `PORTCULLIS_ERR_STORE_CONFLICT` while the zone has hosts. */
  deleteZone(id: string): Promise<void>;

  createHost(input: NewHost): Promise<Host>;
  getHost(id: string): Promise<Host | undefined>;
  getHostByName(hostname: string): Promise<Host | undefined>;
  listHosts(zoneId: string): Promise<Host[]>;
  updateHost(id: string, patch: HostPatch): Promise<Host>;
  deleteHost(id: string): Promise<void>;

  createCertificateAuthority(input: NewCertificateAuthority): Promise<CertificateAuthority>;
  getCertificateAuthority(id: string): Promise<CertificateAuthority | undefined>;
  listCertificateAuthorities(accountId: string): Promise<CertificateAuthority[]>;
  updateCertificateAuthority(
    id: string,
    patch: CertificateAuthorityPatch,
  ): Promise<CertificateAuthority>;
  /** Refused with `PORTCULLIS_ERR_STORE_CONFLICT` while a host or certificate uses it. */
  deleteCertificateAuthority(id: string): Promise<void>;

  createClientCertificate(input: NewClientCertificate): Promise<ClientCertificate>;
  getClientCertificate(id: string): Promise<ClientCertificate | undefined>;
  listClientCertificates(query: ClientCertificateQuery): Promise<Page<ClientCertificate>>;
  /** Sets the status; records `revokedOn` when it becomes a revoked state. */
  setClientCertificateStatus(
    id: string,
    status: ClientCertificateStatus,
  ): Promise<ClientCertificate>;
  /** Serials (uppercase hex) of every revoked or pending-revocation certificate of a CA. */
  listRevokedSerials(certificateAuthorityId: string): Promise<string[]>;

  createCustomCertificate(input: NewCustomCertificate): Promise<CustomCertificate>;
  getCustomCertificate(id: string): Promise<CustomCertificate | undefined>;
  listCustomCertificates(zoneId: string): Promise<CustomCertificate[]>;
  updateCustomCertificate(id: string, patch: CustomCertificatePatch): Promise<CustomCertificate>;
  deleteCustomCertificate(id: string): Promise<void>;

  createRule(input: NewRule): Promise<Rule>;
  getRule(id: string): Promise<Rule | undefined>;
  listRules(zoneId: string): Promise<Rule[]>;
  updateRule(id: string, patch: RulePatch): Promise<Rule>;
  deleteRule(id: string): Promise<void>;
  /** Replaces the zone's whole ordered list with `rules`, keeping ids that are given. */
  replaceRules(zoneId: string, rules: Omit<NewRule, 'zoneId' | 'position'>[]): Promise<Rule[]>;

  /** The zone's custom-rules ruleset, once it has been created (by a rule or a PUT). */
  getRuleset(zoneId: string): Promise<RulesetInfo | undefined>;
  getRulesetById(id: string): Promise<RulesetInfo | undefined>;
  /**
   * Creates the zone's ruleset or changes its name or description, bumping its version; a
   * save that changes nothing leaves it as it is.
   */
  saveRuleset(zoneId: string, patch: RulesetPatch): Promise<RulesetInfo>;
  /** Deletes the zone's ruleset and every rule of the zone. */
  deleteRuleset(zoneId: string): Promise<void>;

  /** Filters that no rule uses; ids are shared with `Rule.filterId`, so they are unique. */
  createFilter(input: NewFilter): Promise<Filter>;
  getFilter(id: string): Promise<Filter | undefined>;
  listFilters(zoneId: string): Promise<Filter[]>;
  updateFilter(id: string, patch: FilterPatch): Promise<Filter>;
  deleteFilter(id: string): Promise<void>;

  /** Refused with `PORTCULLIS_ERR_STORE_CONFLICT` when the account has a list of that name. */
  createList(input: NewList): Promise<RuleList>;
  getList(id: string): Promise<RuleList | undefined>;
  getListByName(accountId: string, name: string): Promise<RuleList | undefined>;
  listLists(accountId: string): Promise<RuleList[]>;
  updateList(id: string, patch: { description?: string }): Promise<RuleList>;
  deleteList(id: string): Promise<void>;
  listListItems(listId: string, query?: ListItemQuery): Promise<Page<ListItem>>;
  /** Every item value of a list, for compiling expressions. */
  listItemValues(listId: string): Promise<string[]>;
  getListItem(listId: string, itemId: string): Promise<ListItem | undefined>;
  /** Adds items; an item whose value is already in the list only has its comment updated. */
  addListItems(listId: string, items: NewListItem[]): Promise<void>;
  /** Replaces every item of the list. */
  replaceListItems(listId: string, items: NewListItem[]): Promise<void>;
  /** Removes the items with these ids; ids that are not in the list are ignored. */
  deleteListItems(listId: string, itemIds: string[]): Promise<void>;
  /** Records a finished bulk operation on list items. */
  createListOperation(input: Omit<ListOperation, 'id'>): Promise<ListOperation>;
  getListOperation(id: string): Promise<ListOperation | undefined>;

  createApiToken(input: NewApiToken): Promise<ApiToken>;
  getApiToken(id: string): Promise<ApiToken | undefined>;
  getApiTokenBySecretHash(secretHash: string): Promise<ApiToken | undefined>;
  listApiTokens(query?: PageQuery): Promise<Page<ApiToken>>;
  updateApiToken(id: string, patch: ApiTokenPatch): Promise<ApiToken>;
  deleteApiToken(id: string): Promise<void>;

  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;

  /** Stores a batch of events in one transaction. */
  insertEvents(events: FirewallEvent[]): Promise<void>;
  queryEvents(query: EventQuery): Promise<EventPage>;
  /** Counts over time and the most frequent values, for the firewall Overview. */
  eventAnalytics(query: AnalyticsQuery): Promise<EventAnalytics>;
  /** Removes events older than `time` (epoch ms); returns how many. */
  deleteEventsBefore(time: number): Promise<number>;

  /**
   * Records an edge's report, creating the edge on its first one; `lastSeen` becomes now.
   * Not a configuration change: the version stays and subscribers hear nothing.
   */
  reportEdge(input: NewEdgeReport): Promise<EdgeNode>;
  /** Every edge that has reported, by name. */
  listEdges(): Promise<EdgeNode[]>;
  /** Forgets an edge, e.g. one retired for good; it reappears if it reports again. */
  deleteEdge(id: string): Promise<void>;

  /** The current configuration version: it grows by one with every committed change. */
  configVersion(): Promise<number>;
}

/** A store handle inside a transaction: the same operations, committed together. */
export type Transaction = StoreData;

export interface Store extends StoreData {
  /**
   * Runs `fn` in one transaction: every change it makes commits together, or none does when
   * it throws. A transaction that changed the configuration bumps the version once and
   * notifies subscribers after it commits.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Calls `listener` after every committed configuration change. Returns an unsubscribe. */
  subscribe(listener: (change: ConfigChange) => void): () => void;
  /** The schema version of the database (the last migration applied). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
