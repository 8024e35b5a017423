// Response checks (upstream VerifyAdmissionResponse) and denial statuses (ToStatusErr), table by table.
import { denialError } from './webhook-call.js';
import { chooseReviewVersion, ResponseError, verifyResponse } from './webhook-review.js';

const uid = '6b1c9e1e-0000-4000-8000-000000000000';
const patch = Buffer.from('[{"op":"add","path":"/a","value":1}]').toString('base64');

function v1(response: Record<string, unknown>): unknown {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, ...response } };
}

function verifyError(body: unknown, mutating = true, version: 'v1' | 'v1beta1' = 'v1'): string {
  try {
    verifyResponse(version, uid, mutating, body);
  } catch (err) {
    if (err instanceof ResponseError) return `${err.stage}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

describe('verifyResponse', () => {
  const cases: [string, unknown, boolean, string][] = [
    ['allowed', v1({ allowed: true }), true, 'accepted'],
    ['patch with type', v1({ allowed: true, patch, patchType: 'JSONPatch' }), true, 'accepted'],
    ['no response', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, true, 'verify: webhook response was absent'],
    ['no kind', { apiVersion: 'admission.k8s.io/v1', response: { uid, allowed: true } }, true, `decode: Object 'Kind' is missing in '{"apiVersion":"admission.k8s.io/v1","response":{"uid":"${uid}","allowed":true}}'`],
    ['wrong version', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid, allowed: true } }, true, 'verify: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview'],
    ['uid missing', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { allowed: true } }, true, `verify: expected response.uid="${uid}", got ""`],
    ['patch without type', v1({ allowed: true, patch }), true, 'verify: webhook returned response.patch but not response.patchType'],
    ['type without patch', v1({ allowed: true, patchType: 'JSONPatch' }), true, 'verify: webhook returned response.patchType but not response.patch'],
    ['empty type', v1({ allowed: true, patch, patchType: '' }), true, 'verify: webhook returned invalid response.patchType of ""'],
    ['validating patch', v1({ allowed: true, patch, patchType: 'JSONPatch' }), false, 'verify: validating webhook may not return response.patch'],
    ['validating patchType', v1({ allowed: true, patchType: 'JSONPatch' }), false, 'verify: validating webhook may not return response.patchType'],
    ['bad base64', v1({ allowed: true, patch: 'a*bc', patchType: 'JSONPatch' }), true, 'decode: illegal base64 data at input byte 1'],
  ];
  it.each(cases)('%s', (_name, body, mutating, expected) => {
    expect(verifyError(body, mutating)).toBe(expected);
  });

  it('v1beta1 skips the uid and kind checks and takes any patch as a JSON patch', () => {
    const body = { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'other', allowed: true, patch } };
    const verified = verifyResponse('v1beta1', uid, true, body);
    expect(verified.patchType).toBe('JSONPatch');
    expect(verified.patch?.toString()).toBe('[{"op":"add","path":"/a","value":1}]');
  });

  it('warnings are passed on', () => {
    expect(verifyResponse('v1', uid, false, v1({ allowed: true, warnings: ['careful'] })).warnings).toEqual(['careful']);
  });
});

describe('chooseReviewVersion', () => {
  it('takes the first known version in the webhook order', () => {
    expect(chooseReviewVersion(['v2', 'v1beta1', 'v1'])).toBe('v1beta1');
    expect(chooseReviewVersion(['v2'])).toBeUndefined();
  });
});

describe('denialError', () => {
  it('keeps the code and reason the webhook sent', () => {
    const err = denialError('w', { code: 409, reason: 'Conflict', message: 'taken' });
    expect([err.code, err.reason, err.message]).toEqual([409, 'Conflict', 'admission webhook "w" denied the request: taken']);
  });
  it('raises codes below 400 to 400 and falls back to the reason, then to no explanation', () => {
    expect(denialError('w', { code: 200, reason: 'Nope' }).code).toBe(400);
    expect(denialError('w', { reason: 'Nope' }).message).toBe('admission webhook "w" denied the request: Nope');
    expect(denialError('w', undefined).message).toBe('admission webhook "w" denied the request without explanation');
  });
});
