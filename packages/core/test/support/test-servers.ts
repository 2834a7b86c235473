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
 * A PostgreSQL server starts on a copy of a data directory that `initdb` wrote once (see `postgresTemplate`): `initdb`
 * takes about 1.4 s of CPU and several seconds on a busy machine, a copy under a third of that, and every server
 * still gets a cluster of its own.
 *
 * When the server programs are missing, `serverUnavailable()` says so: the test file then skips with a warning on a
 * developer's machine, and fails when the `CI` environment variable is set, so CI never skips silently.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { access, chown, mkdtemp, rename, rm } from "node:fs/promises";
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

/** The arguments of every `initdb` run: trust authentication for the `postgres` role, UTF-8, C locale, no fsync. */
const INITDB_ARGUMENTS = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"];

/** Runs a program to its end; rejects with its output when it exits with anything but 0. */
async function runProgram(
  program: string,
  programArguments: readonly string[],
  options: { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv },
  what: string,
): Promise<void> {
  const child = spawn(program, programArguments, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${what}: ${program} exited with code ${code}:\n${output}`);
}

/** Resolves with `true` when every one of `paths` exists. */
async function allExist(paths: readonly string[]): Promise<boolean> {
  try {
    await Promise.all(paths.map((path) => access(path)));
    return true;
  } catch {
    return false;
  }
}

/** Per template key, this process's one lookup (or writing) of the template, shared by servers that start together. */
const templates = new Map<string, Promise<string>>();

/**
 * A data directory written by `initdb` for the programs in `binDirectory`, for servers to start on copies of it. It is
 * kept in the system temporary directory under a name derived from the programs (their directory and the time
 * `initdb` was installed), the user running them and the `initdb` arguments, so later test files and later runs reuse
 * it, and an upgraded PostgreSQL gets a new one. It is written into a directory of its own and renamed into place
 * when complete, so a reader never sees half of it; test files that find none at the same moment each write one,
 * and the first rename wins.
 */
function postgresTemplate(binDirectory: string, identity: { uid: number; gid: number } | undefined): Promise<string> {
  const initdb = join(binDirectory, "initdb");
  const key = createHash("sha256")
    .update(JSON.stringify([initdb, statSync(initdb).mtimeMs, identity?.uid ?? process.getuid?.(), INITDB_ARGUMENTS]))
    .digest("hex")
    .slice(0, 16);
  let template = templates.get(key);
  if (template === undefined) {
    template = writePostgresTemplate(initdb, join(tmpdir(), `pelbiot-postgres-template-${key}`), identity);
    // A failure is not remembered: the next server tries again.
    template.catch(() => templates.delete(key));
    templates.set(key, template);
  }
  return template;
}

async function writePostgresTemplate(
  initdb: string,
  finalDirectory: string,
  identity: { uid: number; gid: number } | undefined,
): Promise<string> {
  const data = join(finalDirectory, "data");
  // Files a complete cluster has: a directory a temporary-file cleaner emptied in part is moved aside and written
  // again. (An absent one is left absent: another test file may be about to rename its own into place.)
  if (await allExist([join(data, "PG_VERSION"), join(data, "global", "pg_control"), join(data, "base", "1")])) {
    return data;
  }
  if (await allExist([finalDirectory])) {
    const damaged = `${finalDirectory}-damaged-${process.pid}`;
    await rename(finalDirectory, damaged).catch(() => undefined);
    await rm(damaged, { recursive: true, force: true });
  }
  const building = await mkdtemp(`${finalDirectory}-building-`);
  try {
    if (identity !== undefined) await chown(building, identity.uid, identity.gid);
    const options = { ...identity, cwd: building, env: { ...process.env, LC_ALL: "C" } };
    await runProgram(initdb, ["-D", join(building, "data"), ...INITDB_ARGUMENTS], options, "initdb");
    try {
      await rename(building, finalDirectory);
    } catch (error) {
      // Another test file renamed its complete template into place first: use that one.
      if (!(await allExist([join(data, "PG_VERSION")]))) throw error;
    }
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return data;
}

/**
 * Starts a throw-away PostgreSQL server: a copy of the `initdb` template (trust authentication for the `postgres`
 * role, UTF-8, C locale) in a temporary directory, then `postgres` on it, without fsync, listening on 127.0.0.1
 * only, without a Unix socket.
 *
 * @returns The server; connect as `postgres://postgres@127.0.0.1:<port>/postgres`.
 */
export async function startPostgres(binDirectory: string): Promise<RestartableTestServer> {
  const identity = postgresIdentity();
  const template = await postgresTemplate(binDirectory, identity);
  const dataDirectory = await mkdtemp(join(tmpdir(), "pelbiot-postgres-"));
  if (identity !== undefined) await chown(dataDirectory, identity.uid, identity.gid);
  const spawnOptions = { ...identity, cwd: dataDirectory, env: { ...process.env, LC_ALL: "C" } };
  try {
    // As the server's user, so the copy is that user's, as initdb's own output would be.
    await runProgram("cp", ["-a", `${template}/.`, dataDirectory], spawnOptions, "copying the initdb template");

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
