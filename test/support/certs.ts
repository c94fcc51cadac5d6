export { createTestPki, type TestPki } from '../../sim/pki.js';
