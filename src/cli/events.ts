import { Command } from 'commander';

/** Where the CLI finds the API and the token it sends; flags win over the environment. */
interface ApiFlags {
  apiUrl?: string;
  token?: string;
  zone: string;
}

interface EventView {
  id: string;
  occurred_at: string;
  ray_id: string;
  host: string;
  rule_id: string | null;
  action: string;
  reason: string;
  client_ip: string;
  method: string;
  path: string;
  cert_serial: string | null;
}

type Ranked = { value: string; count: number }[];

/** `portcullis events tail` and `portcullis events top`: firewall events in a terminal. */
export function eventsCommand(): Command {
  const events = new Command('events').description('follow and summarise firewall events');
  const common = (c: Command) =>
    c
      .requiredOption('--zone <name>', 'zone name or id')
      .option(
        '--api-url <url>',
        'control plane (env PORTCULLIS_API_URL; default http://127.0.0.1:8080)',
      )
      .option('--token <token>', 'API token (env PORTCULLIS_TOKEN)');
  events.addCommand(
    common(new Command('tail'))
      .description('print firewall events as they happen, newest last')
      .option('--once', 'print the latest events and exit')
      .option('--interval <seconds>', 'seconds between polls', '1')
      .action(async (flags: ApiFlags & { once?: boolean; interval: string }) => {
        const api = await connect(flags);
        await tail(api, flags.once === true, Number(flags.interval) * 1000);
      }),
  );
  events.addCommand(
    common(new Command('top'))
      .description('print the top reasons, rules, hosts and certificates for a time range')
      .option('--since <duration>', 'how far back: 30m, 24h, 7d', '24h')
      .option('--limit <n>', 'entries per table', '10')
      .action(async (flags: ApiFlags & { since: string; limit: string }) => {
        const api = await connect(flags);
        await top(api, parseDuration(flags.since), Number(flags.limit));
      }),
  );
  return events;
}

interface Api {
  get<T>(path: string): Promise<{ result: T; result_info?: { cursor?: string } }>;
  zoneId: string;
}

async function connect(flags: ApiFlags): Promise<Api> {
  const base = (flags.apiUrl ?? process.env.PORTCULLIS_API_URL ?? 'http://127.0.0.1:8080').replace(
    /\/$/,
    '',
  );
  const token = flags.token ?? process.env.PORTCULLIS_TOKEN;
  if (!token) fail('an API token is needed: --token or PORTCULLIS_TOKEN');
  const get = async <T>(path: string) => {
    let res: Response;
    try {
      res = await fetch(`${base}/client/v4${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    } catch (err) {
      return fail(`cannot reach ${base}: ${(err as Error).message}`);
    }
    const body = (await res.json()) as { result: T; errors?: { message: string }[] };
    if (!res.ok) fail(`${res.status} ${body.errors?.[0]?.message ?? res.statusText}`);
    return body as { result: T; result_info?: { cursor?: string } };
  };
  const byName = await get<{ id: string }[]>(`/zones?name=${encodeURIComponent(flags.zone)}`);
  const zoneId = byName.result[0]?.id ?? flags.zone;
  return { get, zoneId };
}

async function tail(api: Api, once: boolean, intervalMs: number): Promise<void> {
  const seen = new Set<string>();
  let since = new Date(Date.now() - 3_600_000).toISOString();
  for (;;) {
    const page = await api.get<EventView[]>(
      `/zones/${api.zoneId}/firewall/events?per_page=100&since=${encodeURIComponent(since)}`,
    );
    for (const e of [...page.result].reverse()) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      since = e.occurred_at;
      console.log(
        [
          e.occurred_at,
          e.action.padEnd(5),
          e.reason.padEnd(16),
          e.host,
          e.method,
          e.path,
          `rule=${e.rule_id ?? '-'}`,
          `serial=${e.cert_serial ?? '-'}`,
          `ip=${e.client_ip}`,
          `ray=${e.ray_id}`,
        ].join(' '),
      );
    }
    if (once) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function top(api: Api, sinceMs: number, limit: number): Promise<void> {
  const since = new Date(Date.now() - sinceMs).toISOString();
  const { result } = await api.get<{ total: number; top: Record<string, Ranked> }>(
    `/zones/${api.zoneId}/firewall/analytics?top=${limit}&since=${encodeURIComponent(since)}`,
  );
  console.log(`${result.total} events since ${since}`);
  for (const [title, key] of [
    ['Actions', 'actions'],
    ['Reasons', 'reasons'],
    ['Rules', 'rules'],
    ['Hosts', 'hosts'],
    ['Certificates (SHA-256)', 'certificates'],
  ] as const) {
    const rows = result.top[key] ?? [];
    console.log(`\n${title}`);
    if (rows.length === 0) console.log('  (none)');
    for (const r of rows) console.log(`  ${String(r.count).padStart(8)}  ${r.value}`);
  }
}

/** `30m`, `24h`, `7d`, `90s` in ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return fail(`--since ${text}: expected a duration such as 30m, 24h or 7d`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function fail(message: string): never {
  console.error(`portcullis: ${message}`);
  process.exit(1);
}
