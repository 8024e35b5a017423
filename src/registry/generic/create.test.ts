// Tests for the create verb's generated names: a taken one is generated afresh, as upstream's RetryGenerateName.
import { startCluster, type Cluster } from '../../cluster.js';
import type { RegistryContext } from './context.js';
import { createObject } from './create.js';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0, loadClientNode: false });
});

afterAll(() => cluster.close());

/** The registry's context with a scripted sequence of generated suffixes. */
function withSuffixes(suffixes: string[]): RegistryContext {
  const ctx = (cluster.registry as unknown as { ctx: RegistryContext }).ctx;
  return { ...ctx, nameSuffix: () => suffixes.shift() ?? 'zzzzz' };
}

const configMaps = () => cluster.registry.lookup('', 'v1', 'configmaps')!;
/** A fresh body per request, as a decoded request body is (creates fill it in). */
const generated = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });

describe('generateName', () => {
  it('generates another name when the first one is taken', async () => {
    await createObject(withSuffixes(['aaaaa']), configMaps(), 'default', generated());
    const view = await createObject(withSuffixes(['aaaaa', 'aaaaa', 'bbbbb']), configMaps(), 'default', generated());
    expect(view.object.metadata.name).toBe('gen-bbbbb');
  });

  it('gives up with AlreadyExists after eight taken names', async () => {
    await createObject(withSuffixes(['ccccc']), configMaps(), 'default', generated());
    await expect(createObject(withSuffixes(Array(8).fill('ccccc')), configMaps(), 'default', generated())).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
  });

  it('does not retry a name the client chose', async () => {
    const named = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'chosen', generateName: 'gen-' } });
    await createObject(withSuffixes([]), configMaps(), 'default', named());
    await expect(createObject(withSuffixes([]), configMaps(), 'default', named())).rejects.toMatchObject({ code: 409 });
  });
});
