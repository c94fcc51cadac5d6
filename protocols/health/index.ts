export { type ActiveAlert, type AlertTracker, type AlertTransition, createAlertTracker } from './alert-tracker.js';
export { HealthError, type HealthErrorCode, type HealthErrorContext } from './errors.js';
export {
  createLivenessTracker,
  LIVENESS_DEFAULTS,
  LIVENESS_SOURCES,
  type LivenessSource,
  type LivenessThresholdOverrides,
  type LivenessThresholds,
  type LivenessTracker,
  type PrinterLiveness,
  type SourceLiveness,
} from './liveness.js';
export {
  ALERT_RULE_DEFAULTS,
  ALERT_TYPES,
  type AlertRule,
  type AlertType,
  type CompiledAlertRule,
  compileAlertRule,
  conditionHolds,
} from './rules.js';
