// kubectl e2e: `kubectl logs` (tail, a named container, --follow to the end) against pods/log with a fake kubelet provider.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node, podWith, running, startLogServer, waiting, type LogServer } from '../pod-logs-test-kit.js';
import { kubeconfigYaml } from '../../src/kubeconfig.js';
import { kubectlBinaries, run } from '../helpers.js';
import { Background } from './kubectl-harness.js';

let server: LogServer;
let dir: string;

beforeAll(async () => {
  server = await startLogServer();
  dir = mkdtempSync(join(tmpdir(), 'kubefake-logs-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigYaml(server.url));
  await node(server.cluster, 'node-1', { addresses: [{ type: 'InternalIP', address: '10.0.0.7' }] });
  await podWith(server.cluster, 'web', { containers: [{ name: 'app', image: 'busybox' }, { name: 'proxy', image: 'envoy' }] }, [running('app'), running('proxy')]);
  await podWith(server.cluster, 'starting', { containers: [{ name: 'app', image: 'busybox' }] }, [waiting('app', 'ContainerCreating')]);
  server.logs.history = ['line 1', 'line 2', 'line 3'];
});

afterAll(async () => {
  await server.close();
});

const binaries = [{ version: 'system', path: '/usr/bin/kubectl' }, ...kubectlBinaries().filter((b) => b.version === '1.27')];

describe.each(binaries)('kubectl $version', (binary) => {
  const args = (rest: string[]) => ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, `cache-${binary.version}`), ...rest];
  const kubectl = (rest: string[]) => run(binary.path, args(rest));

  test('logs prints what the kubelet provider answers, with --tail handed through', async () => {
    const before = server.logs.calls.length;
    expect(await kubectl(['logs', 'web', '-c', 'app', '--tail=2', '--timestamps'])).toMatchObject({ code: 0, stdout: 'line 2\nline 3\n' });
    expect(server.logs.calls.slice(before)).toEqual([
      { pod: 'web', container: 'app', options: expect.objectContaining({ tailLines: 2, timestamps: true, follow: false }) },
    ]);
  });

  test('logs of a container that does not exist, or has not started, fails as on a real cluster', async () => {
    const wrong = await kubectl(['logs', 'web', '-c', 'nope']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('container nope is not valid for pod web');
    const starting = await kubectl(['logs', 'starting']);
    expect(starting.code).not.toBe(0);
    expect(starting.stderr).toContain('container "app" in pod "starting" is waiting to start: ContainerCreating');
  });

  test('logs -f streams new lines and exits when the container stops', async () => {
    const followersBefore = server.logs.followers.length;
    const follow = new Background(spawn(binary.path, args(['logs', '-f', 'web', '-c', 'proxy'])));
    await follow.waitFor((out) => out.includes('line 3\n'));
    while (server.logs.followers.length === followersBefore) await new Promise((resolve) => setImmediate(resolve));
    const follower = server.logs.followers[followersBefore]!;
    follower.push('fresh');
    await follow.waitFor((out) => out.includes('fresh\n'));
    follower.end();
    await follow.done();
    expect({ code: follow.exitCode, stdout: follow.stdout }).toEqual({ code: 0, stdout: 'line 1\nline 2\nline 3\nfresh\n' });
  });
});
