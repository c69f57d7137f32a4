/** Checks, their report, and a child-process runner that never throws. */
import { spawnSync } from 'node:child_process';

const results = [];

function record(status, name, detail = '') {
  results.push({ status, name, detail });
  const tag = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' }[status];
  console.log(`  ${tag} ${name}${detail ? `: ${detail}` : ''}`);
}

export const pass = (name, detail) => record('pass', name, detail);
export const fail = (name, detail) => record('fail', name, detail);
export const skip = (name, detail) => record('skip', name, detail);

/** Record a pass or a failure; returns `ok` so callers can chain. */
export function check(ok, name, detail) {
  (ok ? pass : fail)(name, detail);
  return ok;
}

export const section = (title) => console.log(`\n=== ${title}`);
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
export const tail = (text, lines = 30) => text.trim().split('\n').slice(-lines).join('\n');

export function counts() {
  const n = (s) => results.filter((r) => r.status === s).length;
  return { passed: n('pass'), failed: n('fail'), skipped: n('skip') };
}

/** The failed and skipped checks, for the summary. */
export function notPassed() {
  return results.filter((r) => r.status !== 'pass');
}

/** spawnSync with output captured. `ok` is false on a non-zero exit, a signal or a timeout. */
export function run(cmd, argv, { cwd, env = process.env, timeoutS = 300 } = {}) {
  const r = spawnSync(cmd, argv, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  let why = '';
  if (r.error) why = r.error.message;
  else if (r.signal)
    why = `killed by ${r.signal}${r.signal === 'SIGTERM' ? ` (timeout ${timeoutS} s?)` : ''}`;
  else if (r.status !== 0) why = `exit code ${r.status}`;
  return { ok: !why, why, out, stdout: r.stdout ?? '' };
}

/** The JSON of the `RESULT {...}` line a project script prints. */
export function parseResult(out) {
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? JSON.parse(line.slice('RESULT '.length)) : undefined;
}
