// Turns an API refusal of an object into a line a user can act on: where the object is written in
// Git, which object, which field (in the one path style of every Boreas output, `containers[0]`),
// and the server's own words. Unknown fields come from strict field validation
// (`.spec.replica: field not declared in schema`), invalid ones from `details.causes`.
import type { Json } from '../../model/resource.js';
import { apiErrorMessage, KubeApiError } from './errors.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ObjectLabel {
  /** `Deployment shop/web` */
  label: string;
  origin?: { file: string; line: number; col: number };
}

/** `k8s/web.yaml:3: Deployment shop/web: spec.replica: unknown field (...)`, one problem per line. */
export function describeApplyError(err: unknown, sent: Obj, who: ObjectLabel): string {
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

/** `.spec.template.spec.containers[name="web"].foo` → `spec.template.spec.containers[0].foo`. */
export function boreasPath(serverPath: string, sent: Obj): string {
  let cur: Json | undefined = sent;
  let out = '';
  for (const m of serverPath.replace(/^\./, '').matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) {
      out += out ? `.${m[1]}` : m[1];
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
    out += index >= 0 ? `[${index}]` : `[${key}]`;
    cur = Array.isArray(cur) && index >= 0 ? cur[index] : undefined;
  }
  return out;
}

function parseValue(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
