// The prune inventory (flux style): what Boreas applied and has not deleted, per resource id. The
// planner reads it to tell "changed in Git" from "drifted" and to find what left Git.
import type { DesiredResource } from './resource.js';

export interface InventoryItem {
  resource: DesiredResource;
  /** Hash of the spec last applied successfully. */
  appliedHash: string;
  revision: string;
  /**
   * Key of the last task that changed this resource on its target (chains idempotency keys): one that
   * succeeded, or one whose apply succeeded but whose health wait failed (it must stay prunable).
   */
  lastTaskKey: string;
  appliedAt: string;
}
