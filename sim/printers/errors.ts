import { CodedError } from '../../supervision/errors.js';

/** Stable codes for misuse of the printer simulators (they fail loudly: a wrong test setup is a bug). */
export type SimPrinterErrorCode =
  | 'SIM_ERR_BAD_OPTIONS'
  | 'SIM_ERR_UNKNOWN_ITEM'
  | 'SIM_ERR_BAD_VALUE'
  | 'SIM_ERR_NO_TARGET'
  | 'SIM_ERR_ALREADY_STARTED'
  | 'SIM_ERR_STOPPED'
  | 'SIM_ERR_DRAIN_TIMEOUT';

export interface SimPrinterErrorContext {
  printer?: string;
  family?: string;
  item?: string;
  option?: string;
  timeoutMs?: number;
}

export class SimPrinterError extends CodedError<SimPrinterErrorCode, SimPrinterErrorContext> {
  override readonly name = 'SimPrinterError';
}
