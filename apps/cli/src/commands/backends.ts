/** `tessera backends`: every backend, whether it works here, and why not when it does not. */
import { listBackends, ready, setNoticeHandler } from '@tessera/core';
import { helpText, type Command } from '../args.js';
import { loadBackends } from '../load-backends.js';

export const backendsCommand: Command = {
  name: 'backends',
  summary:
    'List the registered backends, their priority and availability (with the reason when unavailable)',
  options: [{ name: 'json', type: 'boolean', description: 'print JSON instead of a table' }],
  help() {
    return helpText(this);
  },
  async run(options) {
    setNoticeHandler(() => {});
    const importFailures = await loadBackends();
    const statuses = await listBackends({ probe: true });
    if (options.json) {
      console.log(JSON.stringify({ backends: statuses, importFailures }, null, 2));
      return 0;
    }
    const rows = statuses.map((s) => [
      s.name,
      String(s.priority),
      s.available ? (s.softwareEmulated ? 'yes (software-emulated)' : 'yes') : 'no',
      s.available ? '' : (s.reason ?? 'not initialised'),
    ]);
    const header = ['backend', 'priority', 'available', 'reason'];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (i < 3 ? r[i].length : 0))),
    );
    const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    for (const f of importFailures)
      console.log(`(package ${f.packageName} could not be imported: ${f.reason})`);
    if (!statuses.some((s) => s.available)) {
      console.log('\nno backend is available');
      return 1;
    }
    const best = await ready();
    const why = best.softwareEmulated
      ? 'only software-emulated devices are available'
      : 'highest priority that initialises; software-emulated devices are passed over';
    console.log(`\ndefault: ${best.name} (${why})`);
    return 0;
  },
};
