/** Process liveness, with no dependencies, for the lock files of the embedded database and `npm run dev`. */

/** Whether a process with this pid runs (one of another user counts as running). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
