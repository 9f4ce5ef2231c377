// Renders an instance's config files (content or a logic-less mustache template over the instance and
// its relations) into File resources, and folds their hash into the instance so a changed file
// restarts it.
import type { Application } from '../model/manifest-types.generated.js';
import type { FileSpec, InstanceSpec } from '../model/machine-specs.js';
import { hashJson } from '../util/hash.js';
import { renderTemplate } from '../util/template.js';
import type { RelationView } from './relations.js';

/** The variables a template sees. Secrets are never part of it: only literal env values. */
export function templateView(spec: InstanceSpec, relations: Record<string, RelationView>): Record<string, unknown> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) if (typeof v === 'string') env[k] = v;
  return {
    app: spec.app,
    instance: spec.instance,
    ordinal: spec.ordinal,
    version: spec.version,
    node: spec.node,
    host: spec.host,
    ports: spec.ports,
    env,
    ...relations,
  };
}

/** Files of one instance; template variables the view lacks are reported through `warn`. */
export function buildFileSpecs(
  app: Application,
  spec: InstanceSpec,
  relations: Record<string, RelationView>,
  warn: (msg: string) => void = () => {},
): FileSpec[] {
  const files = app.spec.files ?? [];
  if (files.length === 0) return [];
  const view = templateView(spec, relations);
  return files.map((f) => {
    let content = f.content ?? '';
    if (f.template !== undefined) {
      const rendered = renderTemplate(f.template, view);
      if (rendered.missing.length) warn(`Application/${spec.app}: ${f.path}: template variable(s) not defined: ${rendered.missing.join(', ')}`);
      content = rendered.text;
    }
    return { app: spec.app, instance: spec.instance, path: f.path, mode: f.mode ?? '0644', content };
  });
}

export function filesHash(files: FileSpec[]): string {
  return files.length ? hashJson(files.map((f) => [f.path, f.mode, f.content])) : '';
}
