/**
 * Stage 2: a fresh npm project outside the workspace with every tarball installed by plain
 * `npm install`, as a user would, with none of this machine's npm settings.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join, resolve, sep } from 'node:path';
import { readFromTarball } from './pack.mjs';
import { check, run, tail } from './report.mjs';

/** The environment of a user's shell: no pnpm/npm script variables, no workspace bin dirs. */
export function cleanEnv(root, home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|INIT_CWD$|NODE_PATH$|TURBO_)/i.test(k)) env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => p && !resolve(p).startsWith(root + sep))
    .join(delimiter);
  env.HOME = home;
  env.USERPROFILE = home;
  // An empty user config: this machine's ~/.npmrc sets `nodedir`, which would hide a native
  // build that only works with Node's full headers. The global config (CA bundle) stays.
  env.npm_config_userconfig = join(home, '.npmrc');
  // npm's cache only holds downloaded tarballs; sharing the user's saves the downloads.
  env.npm_config_cache = process.env.TESSERA_SMOKE_NPM_CACHE ?? join(homedir(), '.npm');
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Every `node_modules/<name>` directory below `dir`. */
function copiesOf(dir, name, found = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (p.endsWith(join('node_modules', name))) found.push(p);
    copiesOf(p, name, found);
  }
  return found;
}

/** Writes the project, runs `npm install`; returns false when the install failed. */
export function installProject({ project, fixtures, packed, env, logFile }) {
  const deps = {};
  for (const p of packed) {
    copyFileSync(p.tgz, join(project, basename(p.tgz)));
    deps[p.json.name] = `file:./${basename(p.tgz)}`;
  }
  const manifest = {
    name: 'tessera-smoke',
    private: true,
    type: 'module',
    dependencies: deps,
    // What a TypeScript user in Node has; the README examples are typechecked (stage 5).
    devDependencies: { '@types/node': '^20.19.0' },
  };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(project, f));

  const started = Date.now();
  const npm = run('npm', ['--version'], { cwd: project, env }).stdout.trim();
  // --foreground-scripts: the native addon's build output lands in the log.
  const r = run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
    cwd: project,
    env,
    timeoutS: 900,
  });
  writeFileSync(logFile, r.out);
  const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (
    !check(r.ok, `npm ${npm} install (empty user config)`, r.ok ? took : `${r.why}\n${tail(r.out)}`)
  ) {
    return false;
  }
  // Each @tessera package must come from our tarball (never the registry), exactly once: two
  // copies of core would mean two backend registries.
  for (const p of packed) {
    const copies = copiesOf(join(project, 'node_modules'), p.json.name);
    const installed = join(project, 'node_modules', p.json.name, 'package.json');
    const same =
      existsSync(installed) &&
      readFileSync(installed, 'utf8') === readFromTarball(p.tgz, 'package.json');
    check(
      copies.length === 1 && same,
      `${p.json.name}: installed once, from the tarball`,
      `${copies.length} cop${copies.length === 1 ? 'y' : 'ies'}` +
        (same ? '' : ', its package.json differs from the tarball'),
    );
  }
  return true;
}
