// Turns an API refusal of an object into a line a user can act on: where the object is written in
// Git, which object, which field (in the one path style of every Boreas output,
// `containers[name=web]`, util/field-path.ts), and the server's own words. Unknown fields come from
// strict field validation (`.spec.replica: field not declared in schema`), invalid ones from
// `details.causes`.
import { fieldPathOf, type PathSegment } from '../../util/field-path.js';
import { apiErrorMessage, KubeApiError } from './errors.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ObjectLabel {
  /** `Deployment shop/web` */
  label: string;
  origin?: { file: string; line: number; col: number };
}

/** `k8s/web.yaml:3: Deployment shop/web: spec.replica: unknown field (...)`, one problem per line. */
export function describeApplyError(err: unknown, sent: unknown, who: ObjectLabel): string {
  const head = `${who.origin ? `${who.origin.file}:${who.origin.line}: ` : ''}${who.label}`;
  if (err instanceof KubeApiError) {
    const unknown = [...err.message.matchAll(/(\.\S+?): field not declared in schema/g)].map((m) => m[1]);
    if (unknown.length)
      return unknown.map((p) => `${head}: ${boreasPath(p, sent)}: unknown field, refused by the API server (field not declared in schema)`).join('\n');
    const causes = (err.details?.causes ?? []).filter((c) => c.field);
    if (err.code === 422 && causes.length)
      return causes.map((c) => `${head}: ${boreasPath(c.field!, sent)}: ${c.message ?? err.reason} (${err.code} ${err.reason})`).join('\n');
  }
  return `${head}: ${apiErrorMessage(err)}`;
}

/**
 * A server path in the Boreas style, list items resolved in the object as sent:
 * `.spec.template.spec.containers[name="web"].ports[containerPort=80].x` →
 * `spec.template.spec.containers[name=web].ports[0].x`.
 */
export function boreasPath(serverPath: string, sent: unknown): string {
  const segments: PathSegment[] = [];
  let cur: unknown = sent;
  let unresolved = '';
  for (const m of serverPath.replace(/^\./, '').matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (unresolved) {
      unresolved += m[1] !== undefined ? `.${m[1]}` : `[${m[2]}]`;
      continue;
    }
    if (m[1] !== undefined) {
      segments.push(m[1]);
      cur = isObj(cur) ? cur[m[1]] : undefined;
      continue;
    }
    const key = m[2];
    const byKey = /^(\w+)=(.*)$/.exec(key);
    let index = /^\d+$/.test(key) ? Number(key) : -1;
    if (byKey && Array.isArray(cur)) {
      const want = parseValue(byKey[2]);
      index = cur.findIndex((item) => isObj(item) && item[byKey[1]] === want);
    }
    if (index < 0 || !Array.isArray(cur)) {
      // an item the object as sent does not have (set by the server): keep the server's own key
      unresolved = `[${byKey ? `${byKey[1]}=${String(parseValue(byKey[2]))}` : key}]`;
      continue;
    }
    segments.push(index);
    cur = cur[index];
  }
  return fieldPathOf(segments, sent) + unresolved;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
