/**
 * Issue 17: the demo's printers cross their limits now and then, so a short demo run raises and
 * clears alerts, counts both in its JSON summary, and its zero-loss account still holds.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { SIM_PRINTER_LIMITS } from '../../sim/printers/fleet-config.js';
import { FAMILY_EXCURSIONS } from '../../sim/printers/excursions.js';
import { PRINTER_FAMILIES } from '../../sim/printers/families.js';

/** The developer bin, given time for the whole run (startup, SECONDS, the drain). */
function runDemo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(process.cwd(), 'cli', 'bin', '3dconnect.js'), 'demo', ...args],
      { timeout: 140_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

test('every excursion goes well past a limit of its family', (t) => {
  for (const family of PRINTER_FAMILIES) {
    for (const excursion of FAMILY_EXCURSIONS[family]) {
      const limit = SIM_PRINTER_LIMITS[family].find((entry) => entry.item === excursion.item);
      t.truthy(limit, `${family} ${excursion.item} has a limit`);
      if (limit?.type === 'Above') t.true(Number(excursion.value) > (limit.limit ?? 0) * 1.05, `${family} ${excursion.item}`);
      else if (limit?.type === 'Below') t.true(Number(excursion.value) < (limit.limit ?? 0) * 0.7, `${family} ${excursion.item}`);
      else t.deepEqual({ value: excursion.value }, { value: limit?.value });
    }
  }
});

test('3dconnect demo --json: alerts raised and cleared both counted, nothing lost', async (t) => {
  t.timeout(150_000);
  const result = await runDemo(['--duration', '30', '--printers', '4', '--json']);
  t.is(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    alerts_raised: number;
    alerts_cleared: number;
    lost: number;
    events_acked: number;
    events_sent: number;
    max_rss_mb: number;
    adapter_max_rss_mb: number | null;
  };
  t.log(result.stdout.trim());
  t.true(summary.alerts_raised > 0, `raised ${summary.alerts_raised}`);
  t.true(summary.alerts_cleared > 0, `cleared ${summary.alerts_cleared}`);
  t.is(summary.lost, 0);
  t.is(summary.events_acked, summary.events_sent);
  t.true((summary.adapter_max_rss_mb ?? 0) > 0, 'the adapter runs apart and its memory is reported on its own');
  t.true(summary.max_rss_mb > 0);
  t.regex(result.stderr, /demo: from another shell: +npx 3dconnect status --watch --socket \S+control\.sock/);
});
