// Bundles the compiled CLI (dist/cli/main.js) into one module plus lazily loaded chunks, in place, for fast start-up.
// Loading ~450 separate ES modules costs Node 20 more than the server's own start; dependencies stay external
// (loaded from node_modules as usual), and the bundle stays in dist/cli/ so its relative URLs to openapi/ and proto/
// resolve as they do from dist/openapi/ and dist/protobuf/.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli');
rmSync(join(cliDir, 'main.js.map'), { force: true });
await build({
  entryPoints: [join(cliDir, 'main.js')],
  outdir: cliDir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
