// Dev tool: regenerates go-json-traits.ts (Go JSON tag facts per proto field) from upstream Go sources.
//
// Protobuf cannot tell a pointer field from a plain one, nor whether the Go struct tag says
// `omitempty`, yet both decide how a decoded object looks as JSON (zero strings are always
// on the wire). This reads the upstream Go type declarations and records only the fields
// that differ from the common case. Run it when the files under proto/ are refreshed:
//
//   node src/protobuf/gen-go-json-traits.mjs <k8s.io/api git dir> <apimachinery git dir> <apiextensions-apiserver git dir>
//
// Each argument is a git directory (bare or not); HEAD is read. The output is printed to stdout.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const [apiGit, machineryGit, extGit] = process.argv.slice(2);
if (!extGit) {
  console.error('usage: gen-go-json-traits.mjs <api git dir> <apimachinery git dir> <apiextensions-apiserver git dir>');
  process.exit(2);
}
const protoBase = fileURLToPath(new URL('../../proto/', import.meta.url));

function git(dir, ...args) {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Go sources of one package directory inside a repository at HEAD. */
function goSources(dir, pkgPath) {
  const names = git(dir, 'ls-tree', '--name-only', `HEAD:${pkgPath}`).split('\n').filter(Boolean);
  return names
    .filter((n) => n.endsWith('.go') && !n.endsWith('_test.go') && !n.startsWith('zz_generated') && n !== 'generated.pb.go')
    .map((n) => git(dir, 'show', `HEAD:${pkgPath}/${n}`));
}

/** Parses `type X struct { ... }` blocks into proto-tagged field facts keyed by Go type name. */
const aliases = new Map();
function parseStructs(sources) {
  const structs = new Map();
  for (const src of sources) {
    const re = /^type (\w+) struct \{\n([\s\S]*?)^\}/gm;
    for (const m of src.matchAll(re)) {
      const fields = [];
      for (const raw of m[2].split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('//')) continue;
        const tm = /`([^`]*)`/.exec(line);
        if (!tm) continue;
        const proto = /protobuf:"([^"]*)"/.exec(tm[1]);
        if (!proto) continue;
        const json = /json:"([^"]*)"/.exec(tm[1])?.[1] ?? '';
        const decl = line.slice(0, tm.index).trim().split(/\s+/);
        const embedded = decl.length === 1;
        const goType = embedded ? decl[0] : decl[1];
        const goName = embedded ? goType.replace(/^\*/, '').replace(/^.*\./, '') : decl[0];
        const [jsonName, ...opts] = json.split(',');
        fields.push({
          // go-to-protobuf falls back to the lower-camel Go name when the tag has no name=.
          protoName: /(?:^|,)name=([^,]+)/.exec(proto[1])?.[1] ?? goName[0].toLowerCase() + goName.slice(1),
          goName,
          jsonName,
          pointer: goType.startsWith('*'),
          omitempty: opts.includes('omitempty'),
          omitzero: opts.includes('omitzero'),
          inline: embedded && jsonName === '',
          skip: jsonName === '-',
        });
      }
      structs.set(m[1], fields);
    }
    // `type List metav1.List` style definitions borrow another package's struct.
    for (const m of src.matchAll(/^type (\w+) metav1\.(\w+)$/gm)) aliases.set(m[1], m[2]);
  }
  return structs;
}

const packages = [];
for (const group of readdirSync(path.join(protoBase, 'k8s.io/api'))) {
  for (const version of readdirSync(path.join(protoBase, 'k8s.io/api', group))) {
    packages.push({ git: apiGit, goPath: `${group}/${version}`, proto: `k8s.io/api/${group}/${version}/generated.proto` });
  }
}
for (const p of ['pkg/apis/meta/v1', 'pkg/runtime', 'pkg/util/intstr', 'pkg/api/resource']) {
  packages.push({ git: machineryGit, goPath: p, proto: `k8s.io/apimachinery/${p}/generated.proto` });
}
packages.push({ git: extGit, goPath: 'pkg/apis/apiextensions/v1', proto: 'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/generated.proto' });

const metaStructs = parseStructs(goSources(machineryGit, 'pkg/apis/meta/v1'));
const root = new protobuf.Root();
const loaded = new Set();
// Imports missing from proto/ are skipped; fields typed from them are reported and left out.
function loadProto(file) {
  if (loaded.has(file)) return;
  loaded.add(file);
  const full = path.join(protoBase, file);
  if (!statSync(full, { throwIfNoEntry: false })) return;
  const parsed = protobuf.parse(readFileSync(full, 'utf8'), root, { keepCase: true });
  for (const imp of parsed.imports ?? []) loadProto(imp);
}
const out = {};
const problems = [];
for (const pkg of packages) {
  if (!statSync(path.join(protoBase, pkg.proto), { throwIfNoEntry: false })) continue;
  loadProto(pkg.proto);
  const structs = parseStructs(goSources(pkg.git, pkg.goPath));
  const pkgName = /^package ([\w.]+);/m.exec(readFileSync(path.join(protoBase, pkg.proto), 'utf8'))[1];
  const ns = root.lookup(pkgName);
  for (const type of ns.nestedArray) {
    if (!(type instanceof protobuf.Type)) continue;
    const goFields = structs.get(type.name) ?? metaStructs.get(aliases.get(type.name));
    if (!goFields) {
      // Named slices/maps (Verbs, ExtraValue) and hand-written marshallers have no struct.
      if (type.fieldsArray.length > 1 || type.fieldsArray[0]?.name !== 'items') problems.push(`no Go struct for ${type.fullName}`);
      continue;
    }
    const entries = [];
    for (const field of type.fieldsArray) {
      try {
        field.resolve();
      } catch {
        problems.push(`unresolvable type for ${type.fullName}.${field.name}`);
        continue;
      }
      const g = goFields.find((f) => f.protoName === field.name);
      if (!g) {
        problems.push(`no Go field for ${type.fullName}.${field.name}`);
        continue;
      }
      const collection = field.repeated || field.map;
      let flags = '';
      if (g.skip) flags += '~';
      else if (g.inline) flags += '^';
      else {
        if (g.pointer && !collection) flags += '*';
        // omitempty never drops a struct value, so it only matters for scalars, pointers and collections.
        const isStructValue = !collection && !g.pointer && field.resolvedType instanceof protobuf.Type && !isNamedCollection(field.resolvedType);
        if (!g.omitempty && !isStructValue) flags += '!';
        if (g.omitzero) flags += '?';
      }
      const rename = !g.skip && !g.inline && g.jsonName && g.jsonName !== field.name ? `=${g.jsonName}` : '';
      if (flags || rename) entries.push(`${field.name}${rename}${flags}`);
    }
    if (entries.length) out[type.fullName.slice(1)] = entries.join(' ');
  }
}

function isNamedCollection(t) {
  return t.fieldsArray.length === 1 && t.fieldsArray[0].name === 'items' && t.fieldsArray[0].repeated;
}

for (const p of problems) console.error(p);
const lines = [
  '// Generated by gen-go-json-traits.mjs from upstream Go types: how each proto field appears in Go JSON. Do not edit.',
  '//',
  '// Per message, space-separated entries for fields that differ from "plain value, omitempty, JSON name = proto name":',
  '// `name=jsonName` renames, `*` pointer, `!` no omitempty, `?` omitzero, `^` inlined embedded struct, `~` not in JSON.',
  'export const GO_JSON_TRAITS: Readonly<Record<string, string>> = {',
  ...Object.entries(out).map(([k, v]) => `  '${k}': '${v}',`),
  '};',
  '',
];
process.stdout.write(lines.join('\n'));
