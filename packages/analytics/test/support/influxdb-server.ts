/**
 * A real InfluxDB 1.x server for the sink tests and the benchmark: each caller starts its own `influxd` on 127.0.0.1,
 * on free ports, with a temporary directory holding its config, meta, data and WAL, and stops it when done. A
 * server that may already run on the default port 8086 is never used.
 *
 * The config turns off everything that is not the HTTP API: usage reporting, the `_internal` monitor database,
 * subscriptions, the query language preview and every UDP/TCP listener. The RPC bind address (backup/restore) cannot
 * be turned off, so it gets a free port too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findInPath,
  freePort,
  type ServerPrograms,
  stopProcess,
  type TestServer,
} from "../../../core/test/support/test-servers";

export { serverUnavailable, type TestServer } from "../../../core/test/support/test-servers";

/** A user name and password for a server started with `authEnabled`. */
export interface InfluxCredentials {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link startInfluxDb}. */
export interface InfluxDbTestServerOptions {
  /** Start with `auth-enabled = true`: every request but the first `CREATE USER` then needs credentials. */
  readonly authEnabled?: boolean;
}

/** A running InfluxDB; `url` is its HTTP API. */
export interface InfluxDbTestServer extends TestServer {
  readonly url: string;
  /**
   * Runs InfluxQL through `/query` and returns the parsed JSON answer (also for a 401), sending `credentials` as
   * HTTP Basic authentication when given.
   */
  query(
    database: string,
    influxQl: string,
    epoch?: "ms" | "ns",
    credentials?: InfluxCredentials,
  ): Promise<InfluxQueryAnswer>;
}

/** The JSON answer of InfluxDB 1.x's `/query` endpoint. */
export interface InfluxQueryAnswer {
  readonly results: ReadonlyArray<{
    readonly statement_id: number;
    readonly error?: string;
    readonly series?: ReadonlyArray<{
      readonly name: string;
      readonly tags?: Readonly<Record<string, string>>;
      readonly columns: readonly string[];
      readonly values: ReadonlyArray<readonly unknown[]>;
    }>;
  }>;
  readonly error?: string;
}

/** The path of `influxd`. */
export function findInfluxdProgram(): ServerPrograms<string> {
  const path = findInPath("influxd");
  return path === undefined ? { missing: "the influxd program (InfluxDB 1.x)" } : { found: path };
}

function config(directory: string, httpPort: number, rpcPort: number, authEnabled: boolean): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(directory, "meta")}"
  retention-autocreate = true
  logging-enabled = false

[data]
  dir = "${join(directory, "data")}"
  wal-dir = "${join(directory, "wal")}"
  wal-fsync-delay = "0s"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${authEnabled}
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false

[ifql]
  enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
}

/** Polls `/ping` until the server answers 204; rejects when the process exits first or after `timeoutMs`. */
async function waitForPing(child: ChildProcess, url: string, output: () => string, timeoutMs = 30_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`influxd exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/ping`);
      if (response.status === 204) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`influxd did not answer /ping within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts a throw-away InfluxDB server.
 *
 * @param program - The path of `influxd` (from {@link findInfluxdProgram}).
 * @param options - `authEnabled` to require credentials.
 * @returns The server; its HTTP API is at `url`.
 */
export async function startInfluxDb(
  program: string,
  options: InfluxDbTestServerOptions = {},
): Promise<InfluxDbTestServer> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-influxdb-"));
  try {
    const port = await freePort();
    const rpcPort = await freePort();
    const configPath = join(directory, "influxdb.conf");
    await writeFile(configPath, config(directory, port, rpcPort, options.authEnabled === true));
    const server = spawn(program, ["-config", configPath], {
      cwd: directory,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, INFLUXDB_CONFIG_PATH: configPath },
    });
    // Keep draining the pipes (a full pipe would block the server) and keep the tail for error messages.
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    server.stdout.on("data", keep);
    server.stderr.on("data", keep);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForPing(server, url, () => output);
    } catch (error) {
      await stopProcess(server, "SIGTERM", "SIGKILL");
      throw error;
    }
    return {
      port,
      url,
      async query(database, influxQl, epoch = "ms", credentials) {
        const body = new URLSearchParams({ db: database, q: influxQl, epoch });
        const headers: Record<string, string> = {};
        if (credentials !== undefined) {
          const pair = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
          headers.authorization = `Basic ${pair}`;
        }
        const response = await fetch(`${url}/query`, { method: "POST", body, headers });
        return (await response.json()) as InfluxQueryAnswer;
      },
      async stop() {
        await stopProcess(server, "SIGTERM", "SIGKILL");
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
