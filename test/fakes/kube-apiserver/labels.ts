// FAKE kube-apiserver: label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma = and).
// Set-based selectors (`in`, `notin`) are not supported and answer 400, as a malformed one would.
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
