// The annotations that order an application's objects (read by src/desired/kubernetes/sync-order.ts,
// checked by validation): Boreas's own, plus Argo CD's and Helm's so existing manifests keep their
// meaning. The first one present wins.

export const SYNC_WAVE_ANNOTATIONS = ['boreas.dev/sync-wave', 'argocd.argoproj.io/sync-wave'] as const;
export const HOOK_ANNOTATIONS = ['boreas.dev/hook', 'argocd.argoproj.io/hook'] as const;
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

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
