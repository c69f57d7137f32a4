/**
 * Stage 1: `pnpm pack` every package under packages/ and check each tarball: internal
 * `workspace:` ranges rewritten to the real version, publint --strict, and attw with the
 * esm-only profile (the packages ship ESM only; CommonJS `require` is not supported).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check, kb, run, tail } from './report.mjs';

/** Publishable (non-private) packages under packages/. */
export function workspacePackages(root) {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'package.json')))
    .map((d) => ({
      dir: join(dir, d),
      json: JSON.parse(readFileSync(join(dir, d, 'package.json'), 'utf8')),
    }))
    .filter((p) => !p.json.private);
}

export function readFromTarball(tgz, path) {
  const r = run('tar', ['-xzf', tgz, '-O', `package/${path}`]);
  return r.ok ? r.stdout : undefined;
}

/** Dependency ranges that are still `workspace:` or do not pin `^<version>` of a sibling. */
function unrewritten(manifest, versions) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${dep} is still ${range}`);
      } else if (versions.has(dep) && range !== `^${versions.get(dep)}`) {
        problems.push(`${field}.${dep} is ${range}, expected ^${versions.get(dep)}`);
      }
    }
  }
  return problems;
}

/** Packs into `dest`; returns the packages that produced a tarball, each with `tgz`. */
export function packAll(root, dest, { lint }) {
  const pkgs = workspacePackages(root);
  const versions = new Map(pkgs.map((p) => [p.json.name, p.json.version]));
  const bin = (b) => join(root, 'node_modules', '.bin', b);
  const packed = [];
  for (const p of pkgs) {
    const name = p.json.name;
    const file = `${name.replace(/^@/, '').replace('/', '-')}-${p.json.version}.tgz`;
    const tgz = join(dest, file);
    const r = run('pnpm', ['pack', '--pack-destination', dest], { cwd: p.dir, timeoutS: 120 });
    const made = r.ok && existsSync(tgz);
    if (!check(made, `pack ${name}`, made ? kb(statSync(tgz).size) : `${r.why}\n${tail(r.out)}`)) {
      continue;
    }
    packed.push({ ...p, tgz });
    const manifest = JSON.parse(readFromTarball(tgz, 'package.json') ?? '{}');
    const problems = unrewritten(manifest, versions);
    const internal = Object.entries(manifest.dependencies ?? {}).filter(([d]) => versions.has(d));
    check(
      problems.length === 0,
      `${name}: workspace ranges rewritten in the tarball`,
      problems.join('; ') || internal.map(([d, v]) => `${d} ${v}`).join(', ') || 'none to rewrite',
    );
    if (lint) {
      const pl = run(bin('publint'), ['run', tgz, '--strict'], { cwd: root, timeoutS: 120 });
      check(pl.ok, `${name}: publint --strict`, pl.ok ? '' : tail(pl.out));
      const at = run(
        bin('attw'),
        [tgz, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji'],
        {
          cwd: root,
          timeoutS: 180,
        },
      );
      check(at.ok, `${name}: attw --profile esm-only`, at.ok ? '' : tail(at.out, 40));
    }
  }
  return packed;
}
