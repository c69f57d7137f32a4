/**
 * Stage 3: in Node, train a tiny ConvNet from the installed packages on 'cpu' and on 'native'
 * (project/train.mjs, the backend being its one argument), and import the WebGPU backend.
 */
import { check, fail, parseResult, run, skip, tail } from './report.mjs';

function train(project, env, backend) {
  const r = run(process.execPath, ['train.mjs', backend], { cwd: project, env, timeoutS: 300 });
  const result = r.ok ? parseResult(r.stdout) : undefined;
  const unavailable = /^UNAVAILABLE .*? is unavailable: (.*)$/m.exec(r.out)?.[1];
  return { r, result, unavailable };
}

function checkTraining(backend, t) {
  const res = t.result;
  if (!res) {
    fail(`train on ${backend}`, `${t.r.why || 'no RESULT line'}\n${tail(t.r.out)}`);
    return false;
  }
  const first = res.losses[0];
  const last = res.losses[res.losses.length - 1];
  const dropped = Number.isFinite(first) && Number.isFinite(last) && last < 0.5 * first;
  const results = [
    check(
      res.backend === backend,
      `train on ${backend}: ran there`,
      `active backend '${res.backend}'`,
    ),
    check(
      dropped,
      `train on ${backend}: loss drops below half`,
      `${first.toFixed(4)} -> ${last.toFixed(4)} in ${res.losses.length} SGD steps, ` +
        `batch accuracy ${(100 * res.accuracy).toFixed(0)}%`,
    ),
    check(
      res.tensorsAtEnd === res.tensorsAfterFirst,
      `train on ${backend}: memory stays flat`,
      `${res.tensorsAfterFirst} live tensors after step 1, ${res.tensorsAtEnd} after the last`,
    ),
  ];
  return results.every(Boolean);
}

/** `inCI`: an unavailable native backend (its build failed) is a failure, else a skip. */
export function nodeChecks({ project, env, inCI, withWebGPU }) {
  const cpu = train(project, env, 'cpu');
  const cpuOk = checkTraining('cpu', cpu);
  const native = train(project, env, 'native');
  let nativeOk = false;
  if (native.unavailable && !native.result) {
    const why = `the backend is unavailable: ${native.unavailable.trim()}`;
    (inCI ? fail : skip)('train on native', inCI ? why : `${why} (a failure when CI=true)`);
  } else {
    nativeOk = checkTraining('native', native);
  }
  if (cpuOk && nativeOk) {
    const [a, b] = [cpu.result.losses, native.result.losses];
    const close = (x, y, tol) => Math.abs(x - y) <= tol * (1 + Math.abs(y));
    // Same seeds, same data: the first loss differs only by float32 rounding; after 25 steps
    // of SGD with momentum, different summation orders may drift apart a little.
    const [a0, b0, a1, b1] = [a[0], b[0], a[a.length - 1], b[b.length - 1]];
    check(
      close(a0, b0, 1e-4) && close(a1, b1, 2e-2),
      'cpu and native agree',
      `first loss ${a0.toFixed(6)} vs ${b0.toFixed(6)}, last ${a1.toFixed(6)} vs ${b1.toFixed(6)}`,
    );
  }
  if (withWebGPU) {
    // Importing the WebGPU backend in Node works with or without a GPU: it registers, and
    // listBackends() says whether it initialised or why not (information, not a requirement).
    const code =
      "import '@tessera/backend-webgpu'; import { listBackends } from '@tessera/core';" +
      "const s = (await listBackends()).find((b) => b.name === 'webgpu');" +
      "console.log('RESULT ' + JSON.stringify(s ?? null)); process.exit(0);";
    const r = run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: project,
      env,
      timeoutS: 120,
    });
    const s = r.ok ? parseResult(r.stdout) : undefined;
    check(
      !!s,
      "Node: @tessera/backend-webgpu imports and registers 'webgpu'",
      s
        ? s.available
          ? 'available here'
          : `unavailable here: ${s.reason}`
        : `${r.why}\n${tail(r.out)}`,
    );
  }
}
