/** What the control actor handles: sampling the counters and the tree, on its own clock, for rates and events. */
export type ControlMessage = { type: 'Sample' };
