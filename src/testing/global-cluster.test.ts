// The run-wide cluster of the global setups: KUBECONFIG and KUBEFAKE_URL while it runs, the environment restored after.
import { existsSync, readFileSync } from 'node:fs';
import { globalCluster, optionsFromEnv, startGlobalCluster, stopGlobalCluster } from './global-cluster.js';

test('KUBEFAKE_OPTIONS is a JSON object of startCluster options; empty means defaults', () => {
  expect(optionsFromEnv({})).toEqual({});
  expect(optionsFromEnv({ KUBEFAKE_OPTIONS: ' ' })).toEqual({});
  expect(optionsFromEnv({ KUBEFAKE_OPTIONS: '{"controllers":"","nodes":0}' })).toEqual({ controllers: '', nodes: 0 });
  expect(() => optionsFromEnv({ KUBEFAKE_OPTIONS: '{nodes:0}' })).toThrow(/^KUBEFAKE_OPTIONS is not JSON/);
  expect(() => optionsFromEnv({ KUBEFAKE_OPTIONS: '[1]' })).toThrow('KUBEFAKE_OPTIONS must be a JSON object of startCluster options');
});

test('start points KUBECONFIG at a 0600 kubeconfig of the server; stop closes it and restores the environment', async () => {
  const before = { KUBECONFIG: process.env.KUBECONFIG, KUBEFAKE_URL: process.env.KUBEFAKE_URL };
  process.env.KUBECONFIG = '/elsewhere/config';
  delete process.env.KUBEFAKE_URL;
  try {
    const started = await startGlobalCluster({ controllers: '', nodes: 0 });
    expect(process.env.KUBECONFIG).toBe(started.kubeconfigPath);
    expect(process.env.KUBEFAKE_URL).toBe(started.url);
    expect(readFileSync(started.kubeconfigPath, 'utf8')).toBe(started.cluster.kubeconfig);
    expect(globalCluster()?.url).toBe(started.url);
    await expect(startGlobalCluster()).rejects.toThrow(/already running/);
    const res = await fetch(`${started.url}/readyz`);
    expect(res.status).toBe(200);
    await stopGlobalCluster();
    expect(process.env.KUBECONFIG).toBe('/elsewhere/config');
    expect(process.env.KUBEFAKE_URL).toBeUndefined();
    expect(existsSync(started.kubeconfigPath)).toBe(false);
    expect(globalCluster()).toBeUndefined();
    await expect(fetch(`${started.url}/readyz`)).rejects.toThrow();
    // A teardown without a setup (setup failed) does nothing.
    await stopGlobalCluster();
  } finally {
    await stopGlobalCluster();
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
