// Keeps a report under a size limit (GitHub rejects comments over 65,536 characters). The report is
// a list of parts; a part may be shrunk to a shorter stand-in. Largest shrinkable parts go first,
// so small diffs (the ones a reviewer reads) survive and only the walls of text are cut.

export interface Part {
  text: string;
  /** Shorter replacement for this part, or undefined when it must stay. */
  shrunk?: string;
  /** Shrink order class: all parts of a lower class are shrunk before any of a higher class. */
  stage?: number;
  /** Set by fitParts when the part was replaced. */
  isShrunk?: boolean;
  /** The text before shrinking, kept so restoreParts can put it back. */
  original?: string;
}

/**
 * Replaces parts by their `shrunk` text, stage by stage and largest saving first within a stage,
 * until the joined length is ≤ budget. Returns how many parts were shrunk per stage. Parts are
 * modified in place. Length is tracked incrementally, so this is O(n log n) in the number of parts.
 */
export function fitParts(parts: Part[], budget: number): Map<number, number> {
  let total = parts.reduce((n, p) => n + p.text.length, 0);
  const shrunkPerStage = new Map<number, number>();
  const stages = [...new Set(parts.filter((p) => p.shrunk !== undefined).map((p) => p.stage ?? 0))].sort((a, b) => a - b);
  for (const stage of stages) {
    if (total <= budget) break;
    const candidates = parts.filter((p) => p.shrunk !== undefined && (p.stage ?? 0) === stage && !p.isShrunk).sort((a, b) => b.text.length - a.text.length);
    for (const p of candidates) {
      if (total <= budget) break;
      const saving = p.text.length - p.shrunk!.length;
      if (saving <= 0) continue;
      total -= saving;
      p.original = p.text;
      p.text = p.shrunk!;
      p.isShrunk = true;
      shrunkPerStage.set(stage, (shrunkPerStage.get(stage) ?? 0) + 1);
    }
  }
  return shrunkPerStage;
}

/**
 * Puts shrunk parts back, smallest first, while the extra length fits in `slack` (the budget kept
 * for notes is often not all used). Returns how many were restored.
 */
export function restoreParts(parts: Part[], slack: number): number {
  let restored = 0;
  const shrunk = parts.filter((p) => p.isShrunk && p.original !== undefined).sort((a, b) => a.original!.length - b.original!.length);
  for (const p of shrunk) {
    const cost = p.original!.length - p.text.length;
    if (cost > slack) break;
    slack -= cost;
    p.text = p.original!;
    p.isShrunk = false;
    restored++;
  }
  return restored;
}
