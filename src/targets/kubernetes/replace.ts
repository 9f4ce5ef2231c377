// Changes the API server refuses because they touch an immutable field (a Job's template, a
// selector, a Service's clusterIP, StatefulSet fields other than the few that may change): such an
// object can only be changed by deleting and re-creating it. Boreas does that when the object opts in
// (`boreas.dev/replace: "true"`) or its environment does (`kubernetes.replaceOnImmutable`), and shows
// it as `replace` in the plan; otherwise the refusal names the field and says how to opt in.
import { type KubeObject, REPLACE_ANNOTATION } from '../../model/kube-object.js';
import { KubeApiError } from './errors.js';

const immutable = /immutable|may not change once set|updates to statefulset spec for fields other than/i;

/** The fields an immutability refusal names (`spec.selector`), or undefined when `err` is not one. */
export function immutableFields(err: unknown): string[] | undefined {
  if (!(err instanceof KubeApiError) || err.code !== 422) return undefined;
  const causes = (err.details?.causes ?? []).filter((c) => immutable.test(c.message ?? '') || c.reason === 'FieldValueForbidden');
  if (causes.length) return [...new Set(causes.map((c) => c.field ?? 'spec'))];
  return immutable.test(err.message) ? ['spec'] : undefined;
}

/** Whether the object may be deleted and re-created: its own annotation wins over the environment's policy. */
export function replaceAllowed(obj: KubeObject, environmentPolicy: boolean): boolean {
  const a = obj.metadata.annotations?.[REPLACE_ANNOTATION];
  return a === undefined ? environmentPolicy : a === 'true';
}

/** What to add to a refusal so the user knows the way out. */
export function replaceHint(environment: string): string {
  return `the server keeps this field as it was created; to delete and re-create the object on such changes, annotate it ${REPLACE_ANNOTATION}: "true" (or set kubernetes.replaceOnImmutable: true in Environment ${environment})`;
}
