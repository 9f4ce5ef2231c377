// Logic-less config templates (mustache) with HTML escaping off: config files are not HTML, and a
// URL with `&` must come out as written. Missing variables render empty, but are reported so
// validate/plan can warn about a typo such as {{backend.endpoint}}.
import Mustache from 'mustache';

export interface RenderedTemplate {
  text: string;
  /** Variable names the view did not define (deduplicated, in order of first use). */
  missing: string[];
}

/** A mustache context that records names it could not resolve. */
class RecordingContext extends Mustache.Context {
  constructor(
    view: unknown,
    parent: Mustache.Context | undefined,
    private readonly missing: Set<string>,
  ) {
    super(view, parent);
  }
  override push(view: unknown): Mustache.Context {
    return new RecordingContext(view, this, this.missing);
  }
  override lookup(name: string): unknown {
    const value = super.lookup(name);
    if (value === undefined) this.missing.add(name);
    return value;
  }
}

/**
 * Renders `template` over `view` (the desired graph's instance view: app, instance, ordinal,
 * version, ports, env, and one `<relation>: {endpoints, list}` per relation).
 * Throws on a syntax error (unclosed section), with mustache's message.
 */
export function renderTemplate(template: string, view: Record<string, unknown>): RenderedTemplate {
  const missing = new Set<string>();
  const writer = new Mustache.Writer();
  const text = writer.render(template, new RecordingContext(view, undefined, missing), undefined, { escape: (s: string) => String(s) });
  return { text, missing: [...missing] };
}
