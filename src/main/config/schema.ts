import { z } from 'zod';
import { oracleSqlProblems } from './oracle-sql.js';
import { DEFAULT_CALL_TIMEOUT_MS } from '../core/call-tracker.js';

/**
 * The configuration file of docs/protocol.md §4. Every key is optional; unknown keys are refused
 * (strict objects) so that a typo is a start-up error naming the key, not a silent default.
 */

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);

const tlsSchema = z.union([
  z.strictObject({ pfx: z.string().min(1), passphrase: z.string().optional() }),
  z.strictObject({
    cert: z.string().min(1),
    key: z.string().min(1),
    passphrase: z.string().optional(),
  }),
]);

export const serverSchema = z.strictObject({
  host: host.default('0.0.0.0'),
  port: port.default(8081),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, 'must look like "/tapi-messenger"')
    .default('/tapi-messenger'),
  allowedOrigins: z.array(z.string().min(1)).min(1).default(['*']),
  maxFrameBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(65536),
  tls: tlsSchema.nullable().default(null),
  /** What the server offers in CONNECTED's heart-beat header: [can send every, wants every] ms. */
  heartbeatMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([10000, 60000]),
  /** A socket that has not sent CONNECT by then is closed. */
  connectTimeoutMs: z.number().int().min(100).default(60000),
  /** Output queued for one client and not yet taken by its socket; over it, the client is cut off. */
  maxPendingBytes: z
    .number()
    .int()
    .min(1024)
    .default(512 * 1024),
  /** A client whose queued output has not drained for this long is cut off. */
  sendStallMs: z.number().int().min(100).default(10000),
  /** Frames (heart-beats included) one session may send per second, averaged over a second. */
  maxFramesPerSecond: z.number().int().min(1).default(100),
  /** Subscriptions one session may hold at a time. */
  maxSubscriptions: z.number().int().min(1).default(100),
  /** Open connections (SockJS and raw WebSocket together) the agent accepts. */
  maxSessions: z.number().int().min(1).default(10000),
  /** Open connections from one client address (a terminal server carries many users). */
  maxSessionsPerAddress: z.number().int().min(1).default(5000),
  /** CALLs one phone may place within `dialWindowMs`; more get `RATE_LIMITED`. */
  maxDialsPerPhone: z.number().int().min(1).default(3),
  dialWindowMs: z.number().int().min(100).default(10000),
  /** `/tapi/listen` requests one connection may make per minute; more get `RATE_LIMITED`. */
  maxListensPerMinute: z.number().int().min(1).default(20),
});

export const tapiSchema = z.strictObject({
  host: host.default('127.0.0.1'),
  port: port.default(44444),
  reconnectMs: z.number().int().min(50).default(3000),
  keepaliveMs: z.number().int().min(0).default(0),
  /**
   * Commands written but not yet taken by TapiServer's socket; past this the peer is taken
   * for half-open (it stopped reading) and the link is dropped and reconnected.
   */
  maxPendingBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** A call with no line about it for this long is ended with cause TIMEOUT (default 4 h). */
  callTimeoutMs: z.number().int().min(1000).default(DEFAULT_CALL_TIMEOUT_MS),
});

export const fileDirectorySchema = z.strictObject({
  type: z.literal('file'),
  file: z.string().min(1).default('directory.json'),
});

export const oracleDirectorySchema = z
  .strictObject({
    type: z.literal('oracle'),
    connectString: z.string().min(1),
    user: z.string().min(1),
    password: z.string().optional(),
    query: z.string().min(1).optional(),
    usersTable: z.string().min(1).default('APP_USERS'),
    userColumn: z.string().min(1).default('USER_NAME'),
    phoneColumn: z.string().min(1).default('PHONE'),
    callerQuery: z.string().min(1).optional(),
    callerTimeoutMs: z.number().int().min(1).default(300),
    poolMin: z.number().int().min(0).default(0),
    poolMax: z.number().int().min(1).default(4),
    timeoutMs: z.number().int().min(1).default(5000),
    cacheMs: z.number().int().min(0).default(60000),
    negativeCacheMs: z.number().int().min(0).default(5000),
  })
  .superRefine((directory, ctx) => {
    // Identifiers and queries are checked here so that `--check-config` and start-up refuse
    // them naming the key (`directory.usersTable: …`), before any SQL is built.
    for (const { key, message } of oracleSqlProblems(directory)) {
      ctx.addIssue({ code: 'custom', path: [key], message });
    }
    if (directory.poolMin > directory.poolMax) {
      ctx.addIssue({
        code: 'custom',
        path: ['poolMin'],
        message: `must not be more than poolMax (${directory.poolMax})`,
      });
    }
  });

export const directorySchema = z.discriminatedUnion('type', [
  fileDirectorySchema,
  oracleDirectorySchema,
]);

export const dashboardSchema = z.strictObject({
  host: host.default('127.0.0.1'),
  port: port.default(8082),
});

export const logSchema = z.strictObject({
  level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

/** `*` any run of characters, `?` exactly one; otherwise the characters of an extension. */
export const extensionPatternSchema = z
  .string()
  .regex(
    /^[0-9A-Za-z*#+._?-]{1,32}$/,
    'must be an extension or a pattern such as "2*" or "31?" (letters, digits, * # + . _ - ?)',
  );

export const clusterSchema = z.strictObject({
  url: z
    .string()
    .regex(/^amqps?:\/\/[^\s]+$/, 'must be an AMQP URL such as "amqp://user:pass@host:5672/vhost"'),
  agentId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-" (e.g. "site-a")'),
  extensions: z.array(extensionPatternSchema).min(1, 'must name at least one pattern'),
  exchange: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be an exchange name such as "tapi-messenger"')
    .default('tapi-messenger'),
  /** How often this agent announces itself. */
  heartbeatMs: z.number().int().min(100).default(5000),
  /** An agent not heard from for this many of its heartbeat intervals is gone. */
  missedHeartbeats: z.number().int().min(2).default(3),
  /** Longest wait between attempts to reconnect to RabbitMQ. */
  reconnectMs: z.number().int().min(100).default(10000),
});

export const configSchema = z.strictObject({
  server: serverSchema.default(() => serverSchema.parse({})),
  tapi: tapiSchema.default(() => tapiSchema.parse({})),
  directory: directorySchema.default(() => fileDirectorySchema.parse({ type: 'file' })),
  dashboard: dashboardSchema.default(() => dashboardSchema.parse({})),
  log: logSchema.default(() => logSchema.parse({})),
  /** Several agents on one RabbitMQ (docs/cluster.md); null: a single agent. */
  cluster: clusterSchema.nullable().default(null),
});

export type Config = z.infer<typeof configSchema>;
export type ServerConfig = Config['server'];
export type TapiConfig = Config['tapi'];
export type DirectoryConfig = Config['directory'];
export type OracleDirectoryConfig = z.infer<typeof oracleDirectorySchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type TlsConfig = z.infer<typeof tlsSchema>;
