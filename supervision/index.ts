/** Public API of the supervision layer; see README.md. */
export {
  type BackoffPolicy,
  type BackoffState,
  backoffDelayMs,
  backoffOnFailure,
  type RestartBackoff,
  restartDelayMs,
} from './backoff.js';
export { type ActorAddress, type Address, actorAddress, type ReplyAddress } from './address.js';
export type { ActorContext, Behaviour, ExitReason } from './behaviour.js';
export { isAbnormal } from './behaviour.js';
export type { ExitInfo } from './cell.js';
export type { ActorKind, ActorSnapshot, ActorStatus } from './entry.js';
export { CodedError, describeError, type ErrorInfo, SupervisionError, type SupervisionErrorCode } from './errors.js';
export { Registry, type RegistryEvent, type RegistryOptions } from './registry.js';
export {
  type ChildOptions,
  type ChildList,
  type ChildSpec,
  currentChildren,
  type ChildStart,
  type ParkPolicy,
  type RestartType,
  type SupervisorFlags,
  type SupervisorFlagsInput,
  supervisorSpec,
  workerSpec,
} from './spec.js';
export type { RestartStrategy } from './strategy.js';
export { startTree, type Tree, type TreeEscalation, type TreeOptions } from './tree.js';
export type { ReconcileRequest, ReconcileResult } from './supervisor.js';
