// The pods/log provider the apiserver's handler calls: lines now, then followed lines until the container exits.
import type { KubeObject } from '../meta/types.js';
import { createPod, startKubeletTestbed } from './kubelet-test-kit.js';
import { kubeletLogProvider } from './logs-provider.js';

describe('kubeletLogProvider', () => {
  it('answers lines as podLogs does and follows from there, ending when the container exits', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000, runDuration: 15_000 } });
    try {
      await createPod(tb, 'job', [{ name: 'work', image: 'busybox:1.36' }], { restartPolicy: 'Never' });
      await tb.advance(12_000);
      const read = (p: KubeObject) => tb.client.get('v1', 'pods', 'default', p.metadata.name!).catch(() => undefined);
      const provider = kubeletLogProvider(tb.clock, read, (work) => tb.manager.track(work));
      const pod = await tb.client.get('v1', 'pods', 'default', 'job');
      const options = { previous: false, timestamps: true, tailLines: 1 };
      expect(provider.lines(pod, 'work', options)).toEqual(['2026-01-01T00:00:11.000000000Z [kubefake] work running for 10s']);
      expect(provider.lines(pod, 'work', { previous: false, timestamps: false, sinceTime: Date.UTC(2026, 0, 1, 0, 0, 5) })).toEqual([
        '[kubefake] work running for 10s',
      ]);

      const followed: string[] = [];
      let ended = false;
      provider.follow(pod, 'work', options, (line) => followed.push(line), () => (ended = true));
      await tb.advance(10_000);
      expect(followed).toEqual(['2026-01-01T00:00:16.000000000Z [kubefake] work exited with code 0 (Completed)']);
      expect(ended).toBe(true);

      const stopped: string[] = [];
      let stoppedEnded = false;
      await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27' }]);
      await tb.advance(2000);
      const web = await tb.client.get('v1', 'pods', 'default', 'web');
      const handle = provider.follow(web, 'web', { previous: false, timestamps: false }, (l) => stopped.push(l), () => (stoppedEnded = true));
      await tb.advance(10_000);
      handle.stop();
      await tb.advance(30_000);
      expect(stopped).toEqual(['[kubefake] web running for 10s']);
      expect(stoppedEnded).toBe(false);
    } finally {
      await tb.close();
    }
  });
});
