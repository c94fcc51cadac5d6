import test from 'ava';
import { anyAuthenticator, parseBearerToken, subjectAuthenticator, tokenAuthenticator } from '../../protocols/push/auth.js';

const remoteAddress = '127.0.0.1';

test('tokenAuthenticator maps a token to its printer and refuses everything else', (t) => {
  const authenticate = tokenAuthenticator({ p01: 'alpha-secret', p02: 'beta-secret', p03: '' });
  t.is(authenticate({ token: 'alpha-secret', remoteAddress }), 'p01');
  t.is(authenticate({ token: 'beta-secret', remoteAddress }), 'p02');
  t.is(authenticate({ token: 'alpha-secreT', remoteAddress }), undefined);
  t.is(authenticate({ token: 'alpha-secret ', remoteAddress }), undefined);
  t.is(authenticate({ token: 'alpha', remoteAddress }), undefined);
  t.is(authenticate({ token: '', remoteAddress }), undefined, 'an empty configured token never matches');
  t.is(authenticate({ remoteAddress }), undefined);
  t.is(authenticate({ tlsSubject: 'CN=printer-01', remoteAddress }), undefined);
  const fromMap = tokenAuthenticator(new Map([['p09', 'gamma']]));
  t.is(fromMap({ token: 'gamma', remoteAddress }), 'p09');
});

test('parseBearerToken reads the Bearer scheme only', (t) => {
  t.is(parseBearerToken('Bearer abc.DEF-123'), 'abc.DEF-123');
  t.is(parseBearerToken('bearer abc'), 'abc');
  t.is(parseBearerToken('Basic YWxhZGRpbjpvcGVuc2VzYW1l'), undefined);
  t.is(parseBearerToken('Bearer'), undefined);
  t.is(parseBearerToken('Bearer a b'), undefined);
  t.is(parseBearerToken(undefined), undefined);
  t.is(parseBearerToken(`Bearer ${'x'.repeat(513)}`), undefined);
  t.is(parseBearerToken(`Bearer ${'x'.repeat(512)}`)?.length, 512);
});

test('subjectAuthenticator and anyAuthenticator', (t) => {
  const bySubject = subjectAuthenticator({ p07: 'CN=printer-07' });
  t.is(bySubject({ tlsSubject: 'CN=printer-07', remoteAddress }), 'p07');
  t.is(bySubject({ tlsSubject: 'CN=printer-08', remoteAddress }), undefined);
  t.is(bySubject({ token: 'CN=printer-07', remoteAddress }), undefined);
  const either = anyAuthenticator(bySubject, tokenAuthenticator({ p01: 'alpha' }));
  t.is(either({ tlsSubject: 'CN=printer-07', token: 'alpha', remoteAddress }), 'p07');
  t.is(either({ token: 'alpha', remoteAddress }), 'p01');
  t.is(either({ remoteAddress }), undefined);
});
