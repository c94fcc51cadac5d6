import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import { type Behaviour, type ChildSpec, startTree, supervisorSpec, workerSpec } from '../../supervision/index.js';
import { statusOf, waitForStatus, waitUntil } from './support.js';

const idle: Behaviour<undefined, unknown> = {
  init: () => undefined,
  handle: (state) => state,
};

function worker(id: string, fingerprint = 'v1'): ChildSpec {
  return { ...workerSpec(id, idle), fingerprint };
}

test('reconcile adds, removes and replaces children by their spec, leaves the rest untouched, and survives a restart of the supervisor', async (t) => {
  let children: ChildSpec[] = [worker('a'), worker('b')];
  const tree = await startTree(
    supervisorSpec('root', { intensity: 10, periodMs: 10_000 }, [
      supervisorSpec('fleet', { intensity: 10, periodMs: 10_000 }, () => children),
    ]),
    { logger: silentLogger() },
  );
  t.teardown(() => tree.stop());
  const { registry } = tree;
  const startedAt = (path: string) => registry.get(path)?.startedAt;
  const aStarted = startedAt('root/fleet/a');

  children = [worker('a'), worker('c')];
  t.deepEqual(await registry.reconcile('root/fleet'), { added: ['c'], removed: ['b'], replaced: [] });
  t.is(statusOf(registry, 'root/fleet/c'), 'running');
  t.is(registry.get('root/fleet/b'), undefined, 'a removed child is gone from the registry');
  t.is(startedAt('root/fleet/a'), aStarted, 'an unchanged child keeps running as it was');
  t.is(registry.get('root/fleet/a')?.restarts.total, 0);
  t.true(await registry.ping('root/fleet/c'));

  children = [worker('a', 'v2'), worker('c')];
  t.deepEqual(await registry.reconcile('root/fleet'), { added: [], removed: [], replaced: ['a'] });
  t.not(startedAt('root/fleet/a'), aStarted, 'a changed child runs a new incarnation');
  t.is(registry.get('root/fleet/a')?.restarts.total, 0, 'a reconfiguration is not a restart');

  // The supervisor's next incarnation starts from the current list, not the one it was born with.
  registry.killByPath('root/fleet');
  await waitUntil(registry, () => statusOf(registry, 'root/fleet') === 'running', 'fleet back');
  await waitForStatus(registry, 'root/fleet/c', 'running');
  t.is(registry.get('root/fleet/b'), undefined);

  await t.throwsAsync(() => registry.reconcile('root/fleet/a'), { message: /no supervisor/ });
});
