// Loads the CEL engine on first need: it is about a third of kubefake's module loading, and most clusters never use it.
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';

type CelEngine = typeof import('./cel-engine.js');

let engine: CelEngine | undefined;
let loading: Promise<CelEngine> | undefined;

/**
 * Loads the engine (once). The registry awaits this before any write that can reach CEL — CRDs, admission
 * configuration and custom resources — so the synchronous validation code below it can call `cel()`.
 */
export function loadCel(): Promise<CelEngine> {
  // One import, not several in parallel: jest's ESM runtime fails to link concurrent dynamic imports sharing modules.
  loading ??= import('./cel-engine.js').then((loaded) => (engine = loaded));
  return loading;
}

export function celLoaded(): boolean {
  return engine !== undefined;
}

/** The loaded engine; reaching CEL before loadCel() resolved is a bug in the caller's write path. */
export function cel(): CelEngine {
  if (!engine) throw new Error('the CEL engine is used before loadCel() finished');
  return engine;
}

/** Whether any node of the schema carries `x-kubernetes-validations` (upstream builds no CEL validator otherwise). */
export function schemaHasCelRules(schema: JSONSchemaProps | undefined): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if (schema['x-kubernetes-validations']?.length) return true;
  const children: unknown[] = [
    ...Object.values(schema.properties ?? {}),
    ...Object.values(schema.patternProperties ?? {}),
    ...(Array.isArray(schema.items) ? schema.items : [schema.items]),
    typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined,
    ...(schema.allOf ?? []),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    schema.not,
  ];
  return children.some((child) => schemaHasCelRules(child as JSONSchemaProps | undefined));
}
