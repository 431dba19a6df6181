/** `lifeline serve`: runs the server until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { startServer } from '../../app';
import { defaultConfig, DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT } from '../../config';
import { parseTrustProxy } from '../../http/client-address';
import { describeStore } from '../../store/open-store';
import { removeServerPid, writeServerPid } from '../../store/sqlite/server-pid';
import { CliError, USAGE_EXIT } from '../cli-error';
import { smtpFromEnv, smtpUrlProblem } from '../../mail/mailer';
import { storeChoiceOrUsage } from './migrate-command';
import { BUS_ENV, parseRedisUrl } from '../../cluster/redis-client';
import { NODE_ID } from '../../cluster/cluster-topics';
import { redactRedis } from '../../cluster/join-cluster';
import type { StoreChoice } from '../../store/open-store';
import { ADVERTISE_ENV, defaultAdvertise, parseAdvertise } from '../../cluster/advertise-address';

/** Environment variable read when `--node-id` is not given. */
export const NODE_ID_ENV = 'LIFELINE_NODE_ID';

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: String(DEFAULT_PORT) },
        host: { type: 'string', default: DEFAULT_HOST },
        data: { type: 'string', default: DEFAULT_DATA_DIR },
        store: { type: 'string' },
        bus: { type: 'string' },
        'node-id': { type: 'string' },
        advertise: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'public-url': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true, default: [] },
        'trust-proxy': { type: 'string', multiple: true, default: [] },
        'pages-dir': { type: 'string', default: 'dist/pages' },
        quiet: { type: 'boolean', default: false },
        'smtp-url': { type: 'string' },
        'smtp-from': { type: 'string' },
        'chat-file-max-mb': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), USAGE_EXIT);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0-65535`, USAGE_EXIT);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new CliError('--tls-cert and --tls-key go together', USAGE_EXIT);
  }
  const chatFileMaxBytes = chatFileLimit(values['chat-file-max-mb']);
  const store = storeChoiceOrUsage(values.store, values.data);
  const cluster = clusterChoice(
    values.bus ?? process.env[BUS_ENV],
    values['node-id'] ?? process.env[NODE_ID_ENV],
    store,
  );
  const advertise = advertiseChoice(values.advertise ?? process.env[ADVERTISE_ENV], cluster.bus, values.host);
  try {
    parseTrustProxy(values['trust-proxy']);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), USAGE_EXIT);
  }
  // A password in --smtp-url is visible in `ps`: prefer LIFELINE_SMTP_URL for one with credentials.
  const smtp = values['smtp-url']
    ? { url: values['smtp-url'], from: values['smtp-from'] ?? 'Lifeline <lifeline@localhost>' }
    : smtpFromEnv(process.env);
  const smtpProblem = smtp ? smtpUrlProblem(smtp.url) : null;
  if (smtpProblem) throw new CliError(`--smtp-url / LIFELINE_SMTP_URL: ${smtpProblem}`, USAGE_EXIT);
  const config = defaultConfig({
    ...(smtp ? { smtp } : {}),
    port,
    host: values.host,
    dataDir: values.data,
    ...(store.kind === 'postgres' ? { store: store.url } : {}),
    ...cluster,
    ...(advertise ? { advertise } : {}),
    extraOrigins: values['allow-origin'],
    trustProxy: values['trust-proxy'],
    pagesDir: values['pages-dir'],
    quiet: values.quiet,
    ...(values['tls-cert'] && values['tls-key']
      ? { tls: { certFile: values['tls-cert'], keyFile: values['tls-key'] } }
      : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(chatFileMaxBytes ? { chatFileMaxBytes } : {}),
  });
  const server = await startServer(config);
  writeServerPid(config.dataDir);
  process.stderr.write(`Lifeline is serving on ${server.url} (store: ${describeStore(store)})\n`);
  if (cluster.bus)
    process.stderr.write(`Node "${cluster.nodeId}" of several, bus at ${redactRedis(cluster.bus)}\n`);
  process.stderr.write(
    smtp
      ? `E-mail (invitations, password resets) goes through ${new URL(smtp.url).host}\n`
      : 'No SMTP server configured: the management center shows invitation and reset links to copy\n',
  );
  if (server.setupLink) {
    // First run: the one way to create the first manager. Printed even with --quiet (there is
    // no other way to get it); a new link at each start until setup is done.
    process.stderr.write(
      `\nNo manager exists yet. Open this one-time link to create the company and its first manager:\n\n  ${server.setupLink}\n\n` +
        `(Or use the CLI: lifeline company create --name N; lifeline user add --email E --role manager --password-stdin)\n\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('Lifeline is stopping...\n');
  await server.close();
  removeServerPid(config.dataDir);
  return 0;
}

/**
 * `--bus` / LIFELINE_BUS and `--node-id` / LIFELINE_NODE_ID, checked together: several nodes
 * need a store they share (PostgreSQL) and each a name of its own; a node id alone means nothing.
 */
export function clusterChoice(
  bus: string | undefined,
  nodeId: string | undefined,
  store: StoreChoice,
): { bus?: string; nodeId?: string } {
  const busValue = bus?.trim() || undefined;
  const idValue = nodeId?.trim() || undefined;
  if (!busValue) {
    if (idValue)
      throw new CliError('--node-id names a node among several: it goes with --bus redis://...', USAGE_EXIT);
    return {};
  }
  try {
    parseRedisUrl(busValue);
  } catch (err) {
    throw new CliError(`--bus / ${BUS_ENV}: ${err instanceof Error ? err.message : String(err)}`, USAGE_EXIT);
  }
  if (store.kind !== 'postgres')
    throw new CliError(
      "--bus joins several nodes, which must share one store: add --store postgres://USER@HOST:PORT/DATABASE (SQLite is one node's file)",
      USAGE_EXIT,
    );
  if (!idValue)
    throw new CliError(
      `--bus needs --node-id (or ${NODE_ID_ENV}): a name unique to this node, e.g. its host name`,
      USAGE_EXIT,
    );
  if (!NODE_ID.test(idValue))
    throw new CliError(
      '--node-id: 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      USAGE_EXIT,
    );
  return { bus: busValue, nodeId: idValue };
}

/**
 * `--advertise` / LIFELINE_ADVERTISE: where the other nodes reach this one (node links carry
 * screens between nodes). Only with --bus; required when the node listens on every address.
 */
export function advertiseChoice(
  advertise: string | undefined,
  bus: string | undefined,
  host: string,
): string | undefined {
  const value = advertise?.trim() || undefined;
  if (!bus) {
    if (value)
      throw new CliError('--advertise is where other nodes reach this one: it goes with --bus', USAGE_EXIT);
    return undefined;
  }
  if (!value) {
    if (defaultAdvertise(host, 'http', 1) === null)
      throw new CliError(
        `--bus with --host ${host} needs --advertise http://HOST:PORT (or ${ADVERTISE_ENV}): the address the other nodes reach this one at`,
        USAGE_EXIT,
      );
    return undefined;
  }
  try {
    return parseAdvertise(value);
  } catch (err) {
    throw new CliError(
      `--advertise / ${ADVERTISE_ENV}: ${err instanceof Error ? err.message : String(err)}`,
      USAGE_EXIT,
    );
  }
}

/** Largest chat file accepted by this server (megabytes, decimal, 1-100000), in bytes. */
function chatFileLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 1 || mb > CHAT_FILE_MAX_MB_LIMIT) {
    throw new CliError(
      `--chat-file-max-mb must be a whole number of megabytes, 1-${CHAT_FILE_MAX_MB_LIMIT}`,
      USAGE_EXIT,
    );
  }
  return mb * BYTES_PER_MB;
}

const BYTES_PER_MB = 1_000_000;
/** Largest value --chat-file-max-mb takes, in megabytes (100 GB). */
const CHAT_FILE_MAX_MB_LIMIT = 100_000;
