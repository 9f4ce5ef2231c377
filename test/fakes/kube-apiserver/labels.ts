// FAKE kube-apiserver: label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma = and).
// Set-based selectors (`in`, `notin`) are not supported and answer 400, as a malformed one would.
// Field selectors: `metadata.name` and `metadata.namespace` with `=`, `==`, `!=` (what kubectl uses).
import { badRequest } from './status.js';

export function matchLabels(selector: string | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((req) => {
      let m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(req);
      if (m) return l[m[1]] !== m[2];
      m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(req);
      if (m) return l[m[1]] === m[2];
      m = /^!([^!=\s]+)$/.exec(req);
      if (m) return !(m[1] in l);
      m = /^([^!=\s]+)$/.exec(req);
      if (m) return m[1] in l;
      throw badRequest(`unable to parse requirement: ${req}`);
    });
}

/** `metadata.name=web,metadata.namespace!=x`; other fields answer 400 like an unsupported one would. */
export function matchFields(selector: string | null, metadata: Record<string, unknown>): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((req) => {
      const m = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(\S*)$/.exec(req);
      if (!m) throw badRequest(`"${req.split(/[=!]/)[0]}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      const value = String(metadata[m[1].slice('metadata.'.length)] ?? '');
      return m[2] === '!=' ? value !== m[3] : value === m[3];
    });
}
