// The annotations that order and run an application's objects (read by
// src/desired/kubernetes/sync-order.ts, checked by validation): sync waves, hooks and their delete
// policies, and the replace opt-in. Boreas's own, plus Argo CD's and Helm's so existing manifests keep
// their meaning. The first one present wins.

export const SYNC_WAVE_ANNOTATIONS = ['boreas.dev/sync-wave', 'argocd.argoproj.io/sync-wave'] as const;
export const HOOK_ANNOTATIONS = ['boreas.dev/hook', 'argocd.argoproj.io/hook'] as const;
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
/** When a hook is deleted (comma-separated policies); Helm's spelling is kebab-case. */
export const HOOK_DELETE_POLICY_ANNOTATIONS = ['boreas.dev/hook-delete-policy', 'argocd.argoproj.io/hook-delete-policy'] as const;
export const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';

/** Delete policies of hooks, in Argo CD's spelling. Without any, a hook is BeforeHookCreation (Argo CD's and Helm's default). */
export const HOOK_DELETE_POLICIES = ['BeforeHookCreation', 'HookSucceeded', 'HookFailed'] as const;
export type HookDeletePolicy = (typeof HOOK_DELETE_POLICIES)[number];
export const HELM_HOOK_DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

export { REPLACE_ANNOTATION } from '../../model/kube-object.js';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync';

/** Hook values Boreas orders by; `Sync` is the default phase. */
export const HOOK_VALUES = ['PreSync', 'Sync', 'PostSync'] as const;

/** Helm hook events and the phase they run in (install and upgrade are both a sync here). */
export const HELM_HOOKS: Record<string, SyncPhase> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};
