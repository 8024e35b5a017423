// Dev tool: regenerates go-zero-fields.ts (what a Go zero value carries, and list-key defaults) from upstream Go types.
//
// Upstream compares typed Go objects when it records Update ownership, so a non-pointer struct field is
// present (as `{}`) even in a freshly made object, and a slice, map or pointer without `omitempty` is
// present as null. Which containers count as "added" (the `.` entries in FieldsV1) depends on that, and
// the OpenAPI document cannot say it. Key fields' `+default=` markers are likewise missing from the
// published OpenAPI v2 yet decide list-map keys (`k:{"containerPort":80,"protocol":"TCP"}`). Run it when
// openapi/ is refreshed:
//
//   node src/patch/apply/gen-go-zero-fields.mjs <k8s.io/api git dir> <apimachinery git dir> \
//     <apiextensions-apiserver git dir> <kube-aggregator git dir> [git ref, default HEAD] > src/patch/apply/go-zero-fields.ts
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [apiGit, machineryGit, extGit, aggGit, ref = 'HEAD'] = process.argv.slice(2);
if (!aggGit) {
  console.error('usage: gen-go-zero-fields.mjs <api> <apimachinery> <apiextensions-apiserver> <kube-aggregator> [ref]');
  process.exit(2);
}
const swagger = JSON.parse(readFileSync(fileURLToPath(new URL('../../../openapi/swagger-1.36.json', import.meta.url)), 'utf8'));
const REPOS = [
  ['k8s.io/apiextensions-apiserver/', extGit],
  ['k8s.io/kube-aggregator/', aggGit],
  ['k8s.io/apimachinery/', machineryGit],
  ['k8s.io/api/', apiGit],
];
// Self-marshalling structs whose zero value marshals to null: present (omitempty never drops a struct) as null.
const NULL_WHEN_ZERO = new Set([
  'k8s.io/apimachinery/pkg/apis/meta/v1.Time',
  'k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime',
  'k8s.io/apimachinery/pkg/runtime.RawExtension',
]);
const BUILTINS = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16',
  'uint32', 'uint64', 'float32', 'float64', 'byte', 'rune', 'any', 'interface{}']);

const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });

// A mirror without the release tag is read at HEAD (kube-aggregator is not always tagged alongside the rest).
const refs = new Map();
function refFor(dir) {
  if (!refs.has(dir)) {
    try {
      git(dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
      refs.set(dir, ref);
    } catch {
      console.error(`${dir}: no ${ref}, reading HEAD`);
      refs.set(dir, 'HEAD');
    }
  }
  return refs.get(dir);
}

const packages = new Map();
function loadPackage(importPath) {
  if (packages.has(importPath)) return packages.get(importPath);
  const repo = REPOS.find(([prefix]) => importPath.startsWith(prefix));
  if (!repo) throw new Error(`no repository for ${importPath}`);
  const dir = importPath.slice(repo[0].length);
  const at = refFor(repo[1]);
  const names = git(repo[1], 'ls-tree', '--name-only', `${at}:${dir}`).split('\n').filter(Boolean);
  const pkg = { importPath, structs: new Map(), named: new Map(), marshalers: new Set() };
  for (const file of names) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || file.startsWith('zz_generated') || file.startsWith('generated.')) continue;
    const src = git(repo[1], 'show', `${at}:${dir}/${file}`);
    const imports = new Map();
    for (const m of src.matchAll(/^(?:import)?\s*(?:(\w+)\s+)?"([^"]+)"\s*$/gm)) imports.set(m[1] ?? m[2].split('/').pop(), m[2]);
    for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) pkg.structs.set(m[1], { fields: parseFields(m[2]), imports });
    for (const m of src.matchAll(/^type (\w+) struct\s*\{\s*\}/gm)) pkg.structs.set(m[1], { fields: [], imports });
    for (const m of src.matchAll(/^type (\w+) (= )?([^\s{][^\n]*?)\s*(?:\/\/.*)?$/gm)) {
      if (!m[3].startsWith('struct') && !m[3].startsWith('interface')) pkg.named.set(m[1], { expr: m[3], imports });
    }
    // Types that marshal themselves reach structured-merge-diff as scalars (Time, Quantity, IntOrString...).
    for (const m of src.matchAll(/^func \(\w+ \*?(\w+)\) (?:MarshalJSON|ToUnstructured)\(/gm)) pkg.marshalers.add(m[1]);
  }
  packages.set(importPath, pkg);
  return pkg;
}

function parseFields(body) {
  const fields = [];
  let comments = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('//')) {
      comments.push(line);
      continue;
    }
    if (!line) {
      comments = [];
      continue;
    }
    const tag = /`([^`]*)`/.exec(line);
    const decl = (tag ? line.slice(0, tag.index) : line.replace(/\/\/.*$/, '')).trim().split(/\s+/);
    const json = tag ? /json:"([^"]*)"/.exec(tag[1])?.[1] : undefined;
    const marker = comments.map((c) => /^\/\/\s*\+default=(.*)$/.exec(c)?.[1]).find((m) => m !== undefined);
    comments = [];
    if (json === '-') continue;
    const embedded = decl.length === 1;
    const typeExpr = embedded ? decl[0] : decl.slice(1).join(' ');
    const goName = embedded ? typeExpr.replace(/^\*/, '').replace(/^.*\./, '') : decl[0];
    if (!/^[A-Z]/.test(goName)) continue;
    const [jsonName = '', ...options] = (json ?? '').split(',');
    fields.push({ goName, typeExpr, jsonName, embedded, omitEmpty: options.includes('omitempty'), omitZero: options.includes('omitzero'), marker });
  }
  return fields;
}

function parseType(expr, pkg, imports) {
  if (expr.startsWith('*')) return { kind: 'ptr', elem: parseType(expr.slice(1), pkg, imports) };
  if (expr.startsWith('[]')) return { kind: 'slice' };
  if (expr.startsWith('map[')) return { kind: 'map' };
  if (BUILTINS.has(expr)) return { kind: 'builtin' };
  const dot = expr.indexOf('.');
  if (dot < 0) return { kind: 'named', importPath: pkg.importPath, name: expr };
  const importPath = imports.get(expr.slice(0, dot));
  if (!importPath) throw new Error(`unknown import ${expr} in ${pkg.importPath}`);
  return { kind: 'named', importPath, name: expr.slice(dot + 1) };
}

/** What a named type is underneath: struct, slice, map, pointer, scalar, or a self-marshalling leaf. */
function shape(t) {
  if (t.kind !== 'named') return t.kind === 'builtin' ? 'scalar' : t.kind;
  const pkg = loadPackage(t.importPath);
  if (pkg.marshalers.has(t.name)) return 'scalar';
  if (pkg.structs.has(t.name)) return 'struct';
  const named = pkg.named.get(t.name);
  if (!named) throw new Error(`unknown type ${t.importPath}.${t.name}`);
  return shape(parseType(named.expr, pkg, named.imports));
}

/** JSON name → field, promoting inline embedded structs (shallowest wins). */
function structFields(importPath, name, depth = 0, out = new Map()) {
  const pkg = loadPackage(importPath);
  const struct = pkg.structs.get(name);
  if (!struct) {
    const named = pkg.named.get(name);
    if (!named) throw new Error(`no struct ${importPath}.${name}`);
    const target = parseType(named.expr, pkg, named.imports);
    return structFields(target.importPath, target.name, depth, out);
  }
  for (const f of struct.fields) {
    const type = parseType(f.typeExpr, pkg, struct.imports);
    if (f.embedded && f.jsonName === '') {
      const target = type.kind === 'ptr' ? type.elem : type;
      structFields(target.importPath, target.name, depth + 1, out);
      continue;
    }
    const jsonName = f.jsonName || f.goName;
    const prev = out.get(jsonName);
    if (!prev || prev.depth > depth) out.set(jsonName, { ...f, type, depth });
  }
  return out;
}

function goLocation(definition) {
  const parts = definition.split('.');
  const typeName = parts.pop();
  if (definition.startsWith('io.k8s.api.')) return { importPath: `k8s.io/api/${parts.slice(3).join('/')}`, typeName };
  return { importPath: `k8s.io/${parts.slice(2).join('/')}`, typeName };
}

// Key fields of list-map lists, by the definition of their items: only their defaults matter to apply.
const keyFields = new Map();
for (const schema of Object.values(swagger.definitions)) {
  for (const prop of Object.values(schema.properties ?? {})) {
    if (prop['x-kubernetes-list-type'] !== 'map' || !prop.items?.$ref) continue;
    const def = prop.items.$ref.split('/').pop();
    for (const k of prop['x-kubernetes-list-map-keys'] ?? []) (keyFields.get(def) ?? keyFields.set(def, new Set()).get(def)).add(k);
  }
}

const zero = [];
const defaults = [];
for (const [definition, schema] of Object.entries(swagger.definitions).sort(([a], [b]) => (a < b ? -1 : 1))) {
  if (!schema.properties) continue;
  const { importPath, typeName } = goLocation(definition);
  let fields;
  try {
    fields = structFields(importPath, typeName);
  } catch (err) {
    console.error(`skip ${definition}: ${err.message}`);
    continue;
  }
  const tokens = [];
  const keyDefaults = [];
  for (const prop of Object.keys(schema.properties)) {
    const field = fields.get(prop);
    if (!field) {
      console.error(`${definition}.${prop}: no Go field`);
      continue;
    }
    const s = shape(field.type);
    if (field.omitZero) {
      // omitzero drops a zero value whatever its type.
    } else if (s === 'struct') tokens.push(prop);
    else if ((s === 'ptr' || s === 'slice' || s === 'map') && !field.omitEmpty) tokens.push('!' + prop);
    else if (field.type.kind === 'named' && NULL_WHEN_ZERO.has(`${field.type.importPath}.${field.type.name}`)) tokens.push('!' + prop);
    if (field.marker !== undefined && keyFields.get(definition)?.has(prop)) {
      try {
        keyDefaults.push(`${JSON.stringify(prop)}: ${JSON.stringify(JSON.parse(field.marker))}`);
      } catch {
        console.error(`${definition}.${prop}: default ${field.marker} is not JSON`);
      }
    }
  }
  if (tokens.length) zero.push(`  '${definition}': '${tokens.join(' ')}',`);
  if (keyDefaults.length) defaults.push(`  '${definition}': { ${keyDefaults.join(', ')} },`);
}

process.stdout.write(`// Generated by gen-go-zero-fields.mjs from upstream Go types: what the OpenAPI schema cannot say about them. Do not edit.
//
// ZERO_FIELDS: per definition, the properties a Go zero value still carries: a plain name is a non-pointer
// struct (present as {}), \`!name\` is present as null (a slice, map or pointer without omitempty, or a
// Time or RawExtension, which marshal to null when zero).
export const ZERO_FIELDS: Readonly<Record<string, string>> = {
${zero.join('\n')}
};

/** List-map key fields' \`+default=\` values, by the definition of the list items. */
export const KEY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
${defaults.join('\n')}
};
`);
