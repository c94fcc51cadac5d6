/** Where each actor of the tree lives (ARCHITECTURE.md §1); senders address actors by these paths. */
export const ADAPTER_PATH = 'adapter';
export const UPLINK_PATH = `${ADAPTER_PATH}/uplink`;
export const INGRESS_PATH = `${ADAPTER_PATH}/ingress`;
export const FLEET_PATH = `${ADAPTER_PATH}/fleet`;
export const CONTROL_PATH = `${ADAPTER_PATH}/control`;

export const printerPath = (printer: string): string => `${FLEET_PATH}/${printer}`;
export const collectorPath = (printer: string): string => `${printerPath(printer)}/collector`;
export const pollerPath = (printer: string): string => `${printerPath(printer)}/poller`;
export const healthPath = (printer: string): string => `${printerPath(printer)}/health`;
