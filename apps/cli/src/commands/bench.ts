/**
 * `tessera bench`: matmul, conv (forward and forward+backward), elementwise and LeNet cases on
 * every available backend and on the peers, in one process: TensorFlow.js's CPU backend (every
 * case) and onnxruntime-node (forward cases; it does not train).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { listBackends, setNoticeHandler } from '@tessera/core';
import { helpText, UsageError, type Command } from '../args.js';
import { loadBackends } from '../load-backends.js';
import { quickCases, standardCases } from '../bench/cases.js';
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
  async run(options) {
    setNoticeHandler(() => {});
    const rounds = Number(options.rounds);
    if (!Number.isInteger(rounds) || rounds < 1)
      throw new UsageError(`--rounds must be a positive integer`);
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
          `unknown backend '${name}' (registered: ${statuses.map((b) => b.name).join(', ')})`,
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
    let cases = options.quick ? quickCases() : standardCases();
    if (typeof options.cases === 'string') {
      const words = options.cases.split(',').map((w) => w.trim());
      cases = cases.filter((c) => words.some((w) => c.name.includes(w)));
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
    writeFileSync(String(options.out), JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${String(options.out)}`);
    return 0;
  },
};
