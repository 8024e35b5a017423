// Dev tool: regenerates go-types.ts (the Go type names and embedded structs behind OpenAPI properties).
//
// Upstream's decode errors name Go types (`v1.PullPolicy`, `v1.ResourceList`, `[]v1.FinalizerName`) and,
// since encoding/json 1.24, the embedded structs a promoted field sits in (`Pod.TypeMeta.kind`). The
// OpenAPI document knows neither, so this reads the upstream Go type declarations and records, per
// OpenAPI definition, only the properties whose Go types differ from what the schema implies, plus
// the embedding chain of promoted properties. Run it when openapi/ is refreshed:
//
//   node src/registry/schema/gen-go-types.mjs <k8s.io/api git dir> <apimachinery git dir> \
//     <apiextensions-apiserver git dir> <kube-aggregator git dir> [git ref, default HEAD]
//
// The output is printed to stdout; anything surprising (a property not found in Go, a custom
// unmarshaler the runtime does not model) goes to stderr.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [apiGit, machineryGit, extGit, aggGit, ref = 'HEAD'] = process.argv.slice(2);
if (!aggGit) {
  console.error('usage: gen-go-types.mjs <api> <apimachinery> <apiextensions-apiserver> <kube-aggregator> [ref]');
  process.exit(2);
}
const swagger = JSON.parse(readFileSync(fileURLToPath(new URL('../../../openapi/swagger-1.36.json', import.meta.url)), 'utf8'));

const REPOS = [
  ['k8s.io/apiextensions-apiserver/', extGit],
  ['k8s.io/kube-aggregator/', aggGit],
  ['k8s.io/apimachinery/', machineryGit],
  ['k8s.io/api/', apiGit],
];
// Types the runtime checker models by hand: their JSON never reaches a plain Go type check.
const MODELLED = new Set([
  'k8s.io/apimachinery/pkg/api/resource.Quantity',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString',
  'k8s.io/apimachinery/pkg/apis/meta/v1.Time',
  'k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime',
  'k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1',
  'k8s.io/apimachinery/pkg/runtime.RawExtension',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSON',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrArray',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrBool',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrStringArray',
]);
const BUILTINS = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16',
  'uint32', 'uint64', 'float32', 'float64', 'byte', 'rune', 'any', 'interface{}']);

function git(dir, ...args) {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

const packages = new Map();
/** Parses one Go package: its structs, named non-struct types and custom unmarshalers. */
function loadPackage(importPath) {
  if (packages.has(importPath)) return packages.get(importPath);
  const repo = REPOS.find(([prefix]) => importPath.startsWith(prefix));
  if (!repo) throw new Error(`no repository for ${importPath}`);
  const dir = importPath.slice(repo[0].length);
  const names = git(repo[1], 'ls-tree', '--name-only', `${ref}:${dir}`).split('\n').filter(Boolean);
  const pkg = { importPath, name: importPath.split('/').pop(), structs: new Map(), named: new Map(), unmarshalers: new Set() };
  for (const file of names) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || file.startsWith('zz_generated') || file.startsWith('generated.')) continue;
    const src = git(repo[1], 'show', `${ref}:${dir}/${file}`);
    const imports = new Map();
    for (const m of src.matchAll(/^(?:import)?\s*(?:(\w+)\s+)?"([^"]+)"\s*$/gm)) imports.set(m[1] ?? m[2].split('/').pop(), m[2]);
    for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) pkg.structs.set(m[1], { fields: parseFields(m[2]), imports });
    for (const m of src.matchAll(/^type (\w+) (= )?([^\s{][^\n]*?)\s*(?:\/\/.*)?$/gm)) {
      if (!m[3].startsWith('struct') && !m[3].startsWith('interface')) pkg.named.set(m[1], { expr: m[3], alias: !!m[2], imports });
    }
    for (const m of src.matchAll(/^func \(\w+ \*?(\w+)\) Unmarshal(?:JSON|Text)\(/gm)) pkg.unmarshalers.add(m[1]);
  }
  packages.set(importPath, pkg);
  return pkg;
}

function parseFields(body) {
  const fields = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('//')) continue;
    const tag = /`([^`]*)`/.exec(line);
    const decl = (tag ? line.slice(0, tag.index) : line.replace(/\/\/.*$/, '')).trim().split(/\s+/);
    const json = tag ? /json:"([^"]*)"/.exec(tag[1])?.[1] : undefined;
    if (json === '-') continue;
    const embedded = decl.length === 1;
    const typeExpr = embedded ? decl[0] : decl.slice(1).join(' ');
    const goName = embedded ? typeExpr.replace(/^\*/, '').replace(/^.*\./, '') : decl[0];
    if (!/^[A-Z]/.test(goName)) continue;
    fields.push({ goName, typeExpr, jsonName: json?.split(',')[0] ?? '', embedded });
  }
  return fields;
}

/** A Go type expression as a tree, names resolved to import paths. */
function parseType(expr, pkg, imports) {
  if (expr.startsWith('*')) return { kind: 'ptr', elem: parseType(expr.slice(1), pkg, imports) };
  if (expr.startsWith('[]')) return { kind: 'slice', elem: parseType(expr.slice(2), pkg, imports) };
  if (expr.startsWith('map[')) {
    let depth = 0;
    let i = 3;
    for (; i < expr.length; i++) {
      if (expr[i] === '[') depth++;
      else if (expr[i] === ']' && --depth === 0) break;
    }
    return { kind: 'map', key: parseType(expr.slice(4, i), pkg, imports), elem: parseType(expr.slice(i + 1), pkg, imports) };
  }
  if (BUILTINS.has(expr)) return { kind: 'builtin', name: expr === 'byte' ? 'uint8' : expr === 'rune' ? 'int32' : expr };
  const dot = expr.indexOf('.');
  if (dot < 0) return { kind: 'named', importPath: pkg.importPath, name: expr };
  const importPath = imports.get(expr.slice(0, dot));
  if (!importPath) throw new Error(`unknown import ${expr} in ${pkg.importPath}`);
  return { kind: 'named', importPath, name: expr.slice(dot + 1) };
}

/** Follows `type X = Y` aliases, which reflect never names. */
function resolveAlias(t) {
  if (t.kind !== 'named') return t;
  const pkg = loadPackage(t.importPath);
  const named = pkg.named.get(t.name);
  return named?.alias ? resolveAlias(parseType(named.expr, pkg, named.imports)) : t;
}

/** What reflect.Type.String() prints. */
function typeString(t) {
  t = resolveAlias(t);
  switch (t.kind) {
    case 'ptr': return `*${typeString(t.elem)}`;
    case 'slice': return `[]${typeString(t.elem)}`;
    case 'map': return `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'builtin': return t.name;
    default: return `${t.importPath.split('/').pop()}.${t.name}`;
  }
}

const deref = (t) => (t.kind === 'ptr' ? deref(t.elem) : t);

/** The underlying slice/map of a named type, or the type itself. */
function underlying(t) {
  if (t.kind !== 'named') return t;
  const pkg = loadPackage(t.importPath);
  const named = pkg.named.get(t.name);
  return named ? underlying(parseType(named.expr, pkg, named.imports)) : t;
}

/** JSON name → { embeds, type } for a struct, promoting inline embedded structs (shallowest wins). */
function structFields(importPath, name, embeds = [], out = new Map()) {
  const pkg = loadPackage(importPath);
  const struct = pkg.structs.get(name);
  if (!struct) {
    // `type A = pkg.B` and `type A pkg.B` both decode with B's fields.
    const named = pkg.named.get(name);
    if (!named) throw new Error(`no struct ${importPath}.${name}`);
    const target = parseType(named.expr, pkg, named.imports);
    return structFields(target.importPath, target.name, embeds, out);
  }
  for (const f of struct.fields) {
    const type = parseType(f.typeExpr, pkg, struct.imports);
    if (f.embedded && f.jsonName === '') {
      const target = deref(type);
      structFields(target.importPath, target.name, [...embeds, f.goName], out);
      continue;
    }
    const jsonName = f.jsonName || f.goName;
    const prev = out.get(jsonName);
    if (!prev || prev.embeds.length > embeds.length) out.set(jsonName, { embeds, type });
  }
  return out;
}

/** Definition name → Go import path and type name. */
function goLocation(definition) {
  const parts = definition.split('.');
  const typeName = parts.pop();
  const rest = parts.slice(2).join('/');
  if (definition.startsWith('io.k8s.api.')) return { importPath: `k8s.io/api/${parts.slice(3).join('/')}`, typeName };
  return { importPath: `k8s.io/${rest}`, typeName };
}

/** The Go type name the runtime derives from a schema when no override exists (mirrors typed-decode.ts). */
function derived(schema) {
  if (schema.$ref) {
    const parts = schema.$ref.split('/').pop().split('.');
    return `${parts.at(-2)}.${parts.at(-1)}`;
  }
  switch (schema.type) {
    case 'string': return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'integer': return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'array': return `[]${derived(schema.items)}`;
    case 'object': return schema.additionalProperties ? `map[string]${derived(schema.additionalProperties)}` : 'map[string]interface {}';
    default: return 'interface {}';
  }
}

const entries = [];
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
  for (const [prop, propSchema] of Object.entries(schema.properties)) {
    const field = fields.get(prop);
    if (!field) {
      console.error(`${definition}.${prop}: no Go field`);
      continue;
    }
    let token = prop + (field.embeds.length ? `^${field.embeds.join('.')}` : '');
    const chain = [];
    let t = resolveAlias(deref(field.type));
    let s = propSchema;
    for (;;) {
      if (t.kind === 'named' && loadPackage(t.importPath).unmarshalers.has(t.name) && !MODELLED.has(`${t.importPath}.${t.name}`)) {
        console.error(`${definition}.${prop}: unmodelled unmarshaler ${t.importPath}.${t.name}`);
      }
      chain.push(typeString(t) === derived(s) ? '' : typeString(t));
      const u = underlying(t);
      if (s.type === 'array' && u.kind === 'slice') s = s.items;
      else if (s.type === 'object' && s.additionalProperties && u.kind === 'map') s = s.additionalProperties;
      else break;
      t = resolveAlias(deref(u.elem));
    }
    while (chain.length && chain.at(-1) === '') chain.pop();
    if (chain.length) token += `=${chain.join(',')}`;
    if (token !== prop) tokens.push(token);
  }
  if (tokens.length) entries.push(`  '${definition.replace(/^io\.k8s\./, '')}': '${tokens.join(' ')}',`);
}

console.log(`// Generated by gen-go-types.mjs from upstream Go types: what the OpenAPI schema cannot say about them. Do not edit.
//
// Keys drop the "io.k8s." prefix. Per definition, space-separated properties that differ from the
// common case: \`name^A.B\` is promoted from embedded structs A then B, and \`name=T0,T1\` gives the
// Go type names reflect prints for the property, then its list items or map values (empty = as the
// schema implies).
export const GO_TYPES: Readonly<Record<string, string>> = {
${entries.join('\n')}
};`);
