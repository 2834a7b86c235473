/**
 * Real PostgreSQL and Redis servers for the adapter tests: each test file starts its own server on 127.0.0.1, on a
 * free port, with a temporary data directory, and stops it in `afterAll`. Nothing assumes a server already running.
 *
 * PostgreSQL refuses to run as root. When the tests run as root (as in CI), `initdb` and `postgres` are spawned with
 * the uid and gid of the `postgres` system user that Debian's package creates (Node's `spawn` options `uid`/`gid`,
 * so no `su`/`runuser`, no shell and no login environment is involved), and the temporary data directory is handed
 * to that user with `chown`; the system temporary directory, where it is made, is world-traversable. As any other
 * user, they run as that user.
 *
 * When the server programs are missing, `serverUnavailable()` says so: the test file then skips with a warning on a
 * developer's machine, and fails when the `CI` environment variable is set, so CI never skips silently.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A running server; `stop()` ends it and deletes its data. */
export interface TestServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** A server that can also be restarted on the same port and data, to test how clients ride out an outage. */
export interface RestartableTestServer extends TestServer {
  /** Stops the server (cutting open connections), stays down for `downMs`, then starts it again on its data. */
  restart(downMs?: number): Promise<void>;
}

/** Where the programs are, or why they are unavailable. */
export type ServerPrograms<T> = { readonly found: T } | { readonly missing: string };

/**
 * Decides what a test file does when its server is not installed: in CI (the `CI` environment variable is set) it
 * throws, so the file fails; elsewhere it prints a warning and returns `true`, so the caller skips its tests.
 */
export function serverUnavailable(programs: ServerPrograms<unknown>, what: string): boolean {
  if ("found" in programs) return false;
  const message = `${what} tests need ${programs.missing}; install it (Debian: apt-get install postgresql redis-server influxdb).`;
  const ci = process.env.CI;
  if (ci !== undefined && ci !== "" && ci !== "0" && ci !== "false") {
    throw new Error(`${message} CI never skips these tests.`);
  }
  console.warn(`\n⚠ SKIPPING the ${what} tests: ${message}\n`);
  return true;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findInPath(program: string): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory !== "" && isExecutable(join(directory, program))) return join(directory, program);
  }
  return undefined;
}

/** The directory holding `initdb` and `postgres`: Debian keeps them in /usr/lib/postgresql/<major>/bin. */
export function findPostgresPrograms(): ServerPrograms<string> {
  const candidates: string[] = [];
  try {
    const majors = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => join("/usr/lib/postgresql", major, "bin")));
  } catch {
    // Not Debian's layout; try PATH.
  }
  const onPath = findInPath("initdb");
  if (onPath !== undefined) candidates.push(join(onPath, ".."));
  const directory = candidates.find((candidate) => isExecutable(join(candidate, "initdb")));
  return directory === undefined ? { missing: "PostgreSQL's initdb and postgres programs" } : { found: directory };
}

/** The path of `redis-server`. */
export function findRedisProgram(): ServerPrograms<string> {
  const path = findInPath("redis-server");
  return path === undefined ? { missing: "the redis-server program" } : { found: path };
}

/** A port that was free a moment ago (the kernel picks it; the server binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}

/** The uid and gid to run PostgreSQL as: the `postgres` user when we are root, ourselves otherwise. */
function postgresIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  } catch (error) {
    throw new Error("running as root, and there is no postgres user to run PostgreSQL as", { cause: error });
  }
}

/** Resolves when `pattern` appears in the process's output; rejects if the process exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        cleanUp();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanUp();
      reject(new Error(`${what} exited with code ${code} before it was ready:\n${output}`));
    };
    const cleanUp = (): void => {
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", onExit);
  });
}

/**
 * Asks the server to stop with `gentle`, and ends it with `forceful` should it still run after `graceMs` (a test
 * that leaked a connection must not leave a server behind).
 */
export async function stopProcess(
  child: ChildProcess,
  gentle: NodeJS.Signals,
  forceful: NodeJS.Signals,
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(gentle);
  const timer = setTimeout(() => child.kill(forceful), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a throw-away PostgreSQL server: `initdb` into a temporary directory (trust authentication for the
 * `postgres` role, UTF-8, C locale, no fsync), then `postgres` listening on 127.0.0.1 only, without a Unix socket.
 *
 * @returns The server; connect as `postgres://postgres@127.0.0.1:<port>/postgres`.
 */
export async function startPostgres(binDirectory: string): Promise<RestartableTestServer> {
  const identity = postgresIdentity();
  const dataDirectory = await mkdtemp(join(tmpdir(), "pelbiot-postgres-"));
  if (identity !== undefined) await chown(dataDirectory, identity.uid, identity.gid);
  const spawnOptions = { ...identity, cwd: dataDirectory, env: { ...process.env, LC_ALL: "C" } };
  try {
    const initdb = spawn(
      join(binDirectory, "initdb"),
      ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] },
    );
    let initdbOutput = "";
    initdb.stdout.on("data", (chunk: Buffer) => (initdbOutput += chunk.toString()));
    initdb.stderr.on("data", (chunk: Buffer) => (initdbOutput += chunk.toString()));
    const [code] = (await once(initdb, "exit")) as [number | null];
    if (code !== 0) throw new Error(`initdb exited with code ${code}:\n${initdbOutput}`);

    const port = await freePort();
    const launch = async (): Promise<ChildProcess> => {
      const started = spawn(
        join(binDirectory, "postgres"),
        [
          "-D",
          dataDirectory,
          "-p",
          String(port),
          "-h",
          "127.0.0.1",
          "-k",
          "",
          "-c",
          "fsync=off",
          "-c",
          "synchronous_commit=off",
          "-c",
          "full_page_writes=off",
          "-c",
          "max_connections=50",
        ],
        { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] },
      );
      await waitForOutput(started, /database system is ready to accept connections/, "postgres");
      return started;
    };
    let server = await launch();
    return {
      port,
      async stop() {
        // SIGTERM is PostgreSQL's "smart shutdown": it waits for the clients to disconnect, so a pool that is still
        // closing its connections gets no "terminating connection" error. SIGINT ("fast") disconnects them.
        await stopProcess(server, "SIGTERM", "SIGINT");
        await rm(dataDirectory, { recursive: true, force: true });
      },
      async restart(downMs = 0) {
        // A "fast" shutdown: open connections are cut, as in a database failover or an operator's restart.
        await stopProcess(server, "SIGINT", "SIGKILL");
        if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
        server = await launch();
      },
    };
  } catch (error) {
    await rm(dataDirectory, { recursive: true, force: true });
    throw error;
  }
}

/** Starts a throw-away Redis server on 127.0.0.1 with persistence off and a temporary working directory. */
export async function startRedis(program: string): Promise<TestServer> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-redis-"));
  try {
    const port = await freePort();
    const server = spawn(
      program,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
      { cwd: directory, stdio: ["ignore", "pipe", "pipe"] },
    );
    await waitForOutput(server, /Ready to accept connections/, "redis-server");
    return {
      port,
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
