import { readFile } from "node:fs/promises";
import { errorCode } from "./file-directory";

/**
 * Whether a process with this id exists on this host.
 *
 * @param pid - A positive process id.
 * @returns `true` when it exists, also when it belongs to another user.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    // Signal 0 only checks that the process exists; EPERM means it exists but belongs to another user.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== "ESRCH";
  }
}

let ownStart: Promise<string | undefined> | undefined;

/**
 * The start time of this process, read once.
 *
 * @returns See {@link readProcessStart}.
 */
export function ownProcessStart(): Promise<string | undefined> {
  ownStart ??= readProcessStart(process.pid);
  return ownStart;
}

/**
 * The start time of a process in clock ticks since boot, which tells a reused process id apart.
 *
 * @param pid - A process id.
 * @returns The start time on Linux; `undefined` elsewhere or when the process is gone.
 */
export async function readProcessStart(pid: number): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const status = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses, so fields are counted from its closing one;
    // the start time is field 22.
    return status.slice(status.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
