/**
 * `tessera bench`: matmul, conv (forward and forward+backward), elementwise and LeNet cases on
 * every available backend and on the peers, in one process: TensorFlow.js's CPU backend (every
 * case) and onnxruntime-node (forward cases; it does not train).
 */
import { cpus } from 'node:os';
import { listBackends, setNoticeHandler } from '@tessera/core';
import { helpText, UsageError, type Command, type OptionValues } from '../args.js';
import { checkOutputPath, writeFileAtomic } from '../files.js';
import { loadBackends } from '../load-backends.js';
import { reportErrors } from '../report-errors.js';
import { quickCases, standardCases, type BenchCase } from '../bench/cases.js';
import type { Contender } from '../bench/contender.js';
import { onnxruntimeContender } from '../bench/onnxruntime-contender.js';
import { formatTable, speedRatios } from '../bench/report.js';
import { runCase, type Measurement } from '../bench/runner.js';
import { tesseraContender } from '../bench/tessera-contender.js';
import { tfjsCpuContender } from '../bench/tfjs-contender.js';

function environmentLines(): string[] {
  const blas = [
    'OPENBLAS_CORETYPE',
    'OPENBLAS_L2_SIZE',
    'OPENBLAS_NUM_THREADS',
    'TESSERA_NUM_THREADS',
  ]
    .map((k) => `${k}=${process.env[k] ?? '(unset)'}`)
    .join(' ');
  return [
    `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`,
    blas,
  ];
}

export const benchCommand: Command = {
  name: 'bench',
  summary:
    'Benchmark matmul, conv, elementwise and LeNet cases on every available backend against tfjs-backend-cpu and onnxruntime-node',
  options: [
    {
      name: 'backends',
      type: 'string',
      description: 'comma-separated backends to run (default: all available)',
    },
    {
      name: 'cases',
      type: 'string',
      description: 'only cases whose name contains one of these comma-separated words',
    },
    {
      name: 'quick',
      type: 'boolean',
      description: 'tiny sizes: a smoke test of every path, not a measurement',
    },
    {
      name: 'rounds',
      type: 'number',
      description: 'timed samples per contender and case (median is reported)',
      default: 5,
    },
    {
      name: 'skip-peer',
      type: 'boolean',
      description: 'do not run the peers (tfjs-backend-cpu, onnxruntime-node)',
    },
    {
      name: 'slow-peer',
      type: 'boolean',
      description: 'also run the peer on cases it takes minutes for (conv B fwd+bwd)',
    },
    {
      name: 'out',
      type: 'string',
      description: 'where to write the JSON results',
      default: 'bench-results.json',
    },
  ],
  help() {
    return helpText(this);
  },
  run(options) {
    return reportErrors('bench', () => bench(options));
  },
};

/** The cases `--cases` selects; a filter that matches nothing is an error naming every case. */
export function selectCases(all: readonly BenchCase[], filter: string | undefined): BenchCase[] {
  if (filter === undefined) return [...all];
  const words = filter
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  const chosen = all.filter((c) => words.some((w) => c.name.includes(w)));
  if (chosen.length === 0)
    throw new UsageError(
      `--cases '${filter}' matches no case (cases: ${all.map((c) => c.name).join(', ')})`,
    );
  return chosen;
}

async function bench(options: OptionValues): Promise<number> {
  // Everything the user typed is checked before the first backend or peer loads.
  const rounds = Number(options.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds must be a positive integer`);
  const cases = selectCases(
    options.quick ? quickCases() : standardCases(),
    typeof options.cases === 'string' ? options.cases : undefined,
  );
  const out = String(options.out);
  checkOutputPath(out, 'results file');
  setNoticeHandler(() => {});
  const importFailures = await loadBackends();
  const statuses = await listBackends({ probe: true });
  const wanted =
    typeof options.backends === 'string'
      ? options.backends.split(',').map((s) => s.trim())
      : undefined;
  for (const name of wanted ?? []) {
    const s = statuses.find((b) => b.name === name);
    if (!s)
      throw new UsageError(
        `unknown backend '${name}' (backends: ${statuses.map((b) => b.name).join(', ')})`,
      );
    if (!s.available) throw new UsageError(`backend '${name}' is unavailable: ${s.reason}`);
  }
  const contenders: Contender[] = [];
  for (const s of statuses) {
    if (wanted ? wanted.includes(s.name) : s.available) contenders.push(tesseraContender(s.name));
    else if (!wanted) console.log(`skipping backend '${s.name}': ${s.reason ?? 'unavailable'}`);
  }
  for (const f of importFailures) console.log(`skipping package ${f.packageName}: ${f.reason}`);
  if (!options['skip-peer']) {
    const peer = await tfjsCpuContender({ slow: Boolean(options['slow-peer']) });
    if (typeof peer === 'string') console.log(`no peer: ${peer}`);
    else contenders.push(peer);
    const ort = await onnxruntimeContender();
    if (typeof ort === 'string') console.log(`no peer: ${ort}`);
    else contenders.push(ort);
  }
  const env = environmentLines();
  for (const line of env) console.log(line);
  console.log(
    `contenders: ${contenders.map((c) => (c.detail ? `${c.name} (${c.detail})` : c.name)).join(', ')}; ` +
      `${rounds} rounds, median reported`,
  );
  const all: Measurement[] = [];
  for (const c of cases) {
    process.stderr.write(`running ${c.name}...\n`);
    all.push(
      ...(await runCase(c, contenders, {
        rounds,
        minSampleMs: 150,
        maxCaseMs: 8000,
        settleMs: options.quick ? 0 : 200,
        warmupMs: options.quick ? 0 : 1000,
        log: console.log,
      })),
    );
  }
  console.log('');
  console.log(formatTable(all));
  const results = {
    date: new Date().toISOString(),
    environment: env,
    quick: Boolean(options.quick),
    measurements: all.map((m) => ({ ...m, speedRatios: speedRatios(m, all) })),
  };
  // A run where nothing was measured must not replace a results file that holds measurements.
  if (!all.some((m) => m.ms !== undefined)) {
    console.error(`tessera bench: nothing was measured; ${out} left unchanged`);
    return 1;
  }
  writeFileAtomic(out, JSON.stringify(results, null, 2) + '\n', 'results file');
  console.log(`\nwrote ${out}`);
  return 0;
}
