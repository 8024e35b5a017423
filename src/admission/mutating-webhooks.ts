// Mutating webhooks in order, each JSON patch applied to the object, and one reinvocation round for IfNeeded hooks.
import jsonPatch from 'fast-json-patch';
import { ApiError, errors } from '../meta/errors.js';
import { cloneJson, deepEqual } from '../meta/deep-equal.js';
import type { KubeObject } from '../meta/types.js';
import type { ServiceResolver } from '../webhook/webhook-client.js';
import type { Attributes } from './attributes.js';
import { callFailureError, CallingWebhookError, callWebhook, failsOpen } from './webhook-call.js';
import { shouldCallHook, type MatchingContext, type WebhookEntry } from './webhook-matching.js';

/** Upstream's webhookReinvokeContext: which IfNeeded hooks ran before a later mutation and must see its result. */
class ReinvocationState {
  private previouslyInvoked = new Set<string>();
  readonly toReinvoke = new Set<string>();
  shouldReinvoke = false;

  objectChanged(): void {
    for (const uid of this.previouslyInvoked) this.toReinvoke.add(uid);
    this.previouslyInvoked = new Set();
    this.shouldReinvoke = true;
  }

  invoked(entry: WebhookEntry): void {
    if (entry.webhook.reinvocationPolicy === 'IfNeeded') this.previouslyInvoked.add(entry.uid);
  }
}

export interface MutatingOptions extends MatchingContext {
  resolveService?: ServiceResolver;
}

export async function runMutatingWebhooks(entries: readonly WebhookEntry[], attributes: Attributes, options: MutatingOptions): Promise<void> {
  if (entries.length === 0) return;
  const state = new ReinvocationState();
  await runRound(entries, attributes, options, state, false);
  // A webhook is reinvoked at most once, and only if it ran the first time and the object changed after it.
  if (state.shouldReinvoke && state.toReinvoke.size > 0) await runRound(entries, attributes, options, state, true);
}

async function runRound(
  entries: readonly WebhookEntry[],
  attributes: Attributes,
  options: MutatingOptions,
  state: ReinvocationState,
  reinvoking: boolean,
): Promise<void> {
  const reinvocable = reinvoking ? new Set(state.toReinvoke) : undefined;
  for (const entry of entries) {
    const invocation = await shouldCallHook(entry, attributes, options);
    if (!invocation) continue;
    if (reinvocable && !reinvocable.has(entry.uid)) continue;
    let changed = false;
    let failure: unknown;
    try {
      changed = await callAndPatch(entry, attributes, invocation.matched, options);
    } catch (err) {
      failure = err;
    }
    if (changed) state.objectChanged();
    state.invoked(entry);
    if (failure === undefined) continue;
    if (failure instanceof CallingWebhookError) {
      if (failsOpen(entry.webhook)) continue;
      throw callFailureError(failure);
    }
    throw failure;
  }
}

/** Answers whether the webhook's patch changed the object (which is then replaced in place). */
async function callAndPatch(entry: WebhookEntry, attributes: Attributes, matched: Parameters<typeof callWebhook>[2], options: MutatingOptions): Promise<boolean> {
  const name = entry.webhook.name;
  const response = await callWebhook(entry.webhook, attributes, matched, { resolveService: options.resolveService, mutating: true });
  if (!response.patch?.length) return false;
  let operations: unknown;
  try {
    operations = JSON.parse(response.patch.toString('utf8'));
  } catch (err) {
    throw new CallingWebhookError(name, `received undecodable patch in webhook response: ${(err as Error).message}`);
  }
  if (!Array.isArray(operations)) {
    throw new CallingWebhookError(name, 'received undecodable patch in webhook response: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (operations.length === 0) return false;
  const object = attributes.object;
  if (!object) {
    throw errors.internal(`admission webhook ${JSON.stringify(name)} attempted to modify the object, which is not supported for this operation`);
  }
  if (response.patchType !== 'JSONPatch') throw new CallingWebhookError(name, `unsupported patch type ${JSON.stringify(response.patchType ?? '')}`);
  const patched = applyPatch(object, operations as jsonPatch.Operation[]);
  if (deepEqual(patched, object)) return false;
  replaceContent(object, patched);
  return true;
}

function applyPatch(object: KubeObject, operations: jsonPatch.Operation[]): KubeObject {
  try {
    return jsonPatch.applyPatch(cloneJson(object), operations, true, false).newDocument;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.internal(patchFailureText(err as Error & { name?: string; operation?: jsonPatch.Operation }));
  }
}

/** evanphx/json-patch's wording for the failures a webhook's patch most often hits. */
function patchFailureText(err: Error & { name?: string; operation?: jsonPatch.Operation }): string {
  const operation = err.operation;
  if (!operation) return err.message;
  if (err.name === 'TEST_OPERATION_FAILED') return `testing value ${operation.path} failed: test failed`;
  if (err.name === 'OPERATION_PATH_UNRESOLVABLE' || err.name === 'OPERATION_PATH_CANNOT_ADD') {
    return `${operation.op} operation does not apply: doc is missing path: ${JSON.stringify(operation.path)}: missing value`;
  }
  return err.message.split('\n')[0] ?? err.message;
}

/** The pipeline holds the object itself: mutation has to change it, not swap it. */
function replaceContent(target: KubeObject, source: KubeObject): void {
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(record)) delete record[key];
  Object.assign(record, source);
}
