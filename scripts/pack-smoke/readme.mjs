/**
 * Stage 5: every package's README example, taken from the PUBLISHED README.md (in the tarball),
 * must typecheck against the installed packages (strict, skipLibCheck off, as a careful user
 * compiles) and run. The example is the README's first ```ts block.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFromTarball } from './pack.mjs';
import { check, fail, run, skip, tail } from './report.mjs';

const TSC_FLAGS = [
  '--noEmit',
  '--strict',
  '--skipLibCheck',
  'false',
  '--target',
  'es2022',
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--lib',
  'es2022,dom',
  '--types',
  'node',
];

export function readmeChecks({ root, project, env, packed, inCI }) {
  const require = createRequire(join(root, 'package.json'));
  const ts = require('typescript');
  const tsc = require.resolve('typescript/lib/tsc.js');
  const dir = join(project, 'readme');
  mkdirSync(dir, { recursive: true });
  for (const p of packed) {
    const short = p.json.name.replace(/^@tessera\//, '');
    const text = readFromTarball(p.tgz, 'README.md');
    const example = /```ts\n([\s\S]*?)```/.exec(text ?? '')?.[1];
    if (!example) {
      fail(
        `${p.json.name}: README example`,
        text ? 'no ```ts block' : 'README.md is not in the tarball',
      );
      continue;
    }
    const source = join(dir, `${short}.mts`);
    writeFileSync(source, example);
    const tc = run(process.execPath, [tsc, ...TSC_FLAGS, source], { cwd: project, timeoutS: 180 });
    check(tc.ok, `${p.json.name}: README example typechecks`, tc.ok ? '' : tail(tc.out, 12));

    const js = ts.transpileModule(example, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    const program = join(dir, `${short}.mjs`);
    writeFileSync(program, js);
    const r = run(process.execPath, [program], { cwd: project, env, timeoutS: 300 });
    // An uncaught BackendError from `await setBackend('native')` in the example.
    const unavailable = /^BackendError: .*?backend 'native' is unavailable: (.*)$/m.exec(
      r.out,
    )?.[1];
    if (!r.ok && unavailable) {
      (inCI ? fail : skip)(
        `${p.json.name}: README example runs`,
        `native is unavailable: ${unavailable}`,
      );
    } else {
      check(r.ok, `${p.json.name}: README example runs`, r.ok ? '' : `${r.why}\n${tail(r.out)}`);
    }
  }
}
