// Rendering of plans, run summaries, status and history: pure functions from model data to text,
// JSON and markdown. The only I/O is the progress printer, which writes to the stream it is given.
export { unifiedDiff, countLines } from '../util/unified-diff.js';
export {
  maskSecrets,
  maskFieldDiff,
  maskTextDiffs,
  describeValueFrom,
  isSecretName,
  isKubeSecretChange,
  SENSITIVE,
  type MaskContext,
} from '../secrets/mask.js';
export { renderPlanText, type PlanTextOptions } from './plan-text.js';
export { renderPlanJson, type PlanJson, type PlanJsonChange } from './plan-json.js';
export { renderPlanMarkdown, PLAN_COMMENT_MARKER, GITHUB_COMMENT_LIMIT, type PlanMarkdownOptions } from './plan-markdown.js';
export { countActions, countByEnvironment, describeCounts, resourceStates, type ActionCounts, type ResourceStates } from './plan-summary.js';
export { renderRunSummaryText, renderRunSummaryJson, type RunSummary } from './run-summary.js';
export { createProgress, normalizeEvent, type Progress, type ProgressEvent, type WritableLike } from './progress.js';
export type { AppStatus, InstanceStatus, CertificateStatus } from '../model/status.js';
export { toV1Status, averageLevel, sharesOf, type V1Status } from './status-v1.js';
export { statusJson, syncCounts, type AppStatusJson } from './status-json.js';
export { renderStatusText } from './status-text.js';
export { renderHistoryText } from './history-text.js';
