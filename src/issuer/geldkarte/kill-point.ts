/**
 * Crash-safety test hook: with EMVSIM_TEST_KILL_AT=<point> in the environment, the process kills
 * itself with SIGKILL when it reaches that point (no cleanup, no exit handlers: what kill -9 or a power
 * cut does). test/geldkarte/settle-kill.test.ts names every point of `geldkarte settle`.
 */
export const KILL_POINT_ENV = 'EMVSIM_TEST_KILL_AT';

export function killPoint(name: string): void {
  if (process.env[KILL_POINT_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
