// TODO(issue 18): sim/demo.ts still imports the daemon from here; once it imports ../actors/daemon.js (after the
// dashboard work on sim/demo.ts has merged), delete this file and its entry in test/layering.test.ts.
export { type Daemon, type DaemonOptions, type ReloadOutcome, startDaemon } from '../actors/daemon.js';
