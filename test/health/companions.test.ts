import test from 'ava';
import { alertPropertyDefinitions, alertPropertyNames } from '../../domain/health/companions.js';

test('an alert writes itself and two companions, typed for provisioning, companions first', (t) => {
  t.deepEqual(alertPropertyNames('VatTooHot'), { alert: 'VatTooHot', severity: 'VatTooHot_Severity', value: 'VatTooHot_Value' });
  t.deepEqual(alertPropertyDefinitions('BuildFailed', 'STRING'), [
    { name: 'BuildFailed_Severity', type: 'STRING' },
    { name: 'BuildFailed_Value', type: 'STRING' },
    { name: 'BuildFailed', type: 'BOOLEAN' },
  ]);
  t.deepEqual(
    alertPropertyDefinitions('Layered', 'INTEGER').map((p) => p.type),
    ['STRING', 'INTEGER', 'BOOLEAN'],
  );
});
