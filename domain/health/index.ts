export { type ActiveAlert, type AlertTracker, type AlertTransition, createAlertTracker, type PendingAlert } from './alert-tracker.js';
export { ALERT_COMPANION_SUFFIXES, alertPropertyDefinitions, alertPropertyNames, type AlertPropertyNames } from './companions.js';
export { HealthError, type HealthErrorCode, type HealthErrorContext } from './errors.js';
export {
  createLivenessTracker,
  LIVENESS_SOURCES,
  type LivenessSource,
  type LivenessThresholdOverrides,
  type LivenessThresholds,
  type LivenessTracker,
  type PrinterLiveness,
  type SourceLiveness,
} from './liveness.js';
export {
  ALERT_TYPES,
  type AlertRule,
  type AlertType,
  type CompiledAlertRule,
  compileAlertRule,
  conditionHolds,
  holdingRule,
  hysteresisProblem,
  NUMERIC_ALERT_TYPES,
} from './rules.js';
