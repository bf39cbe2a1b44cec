// expected.js -- what the sensor must report for the wire captures, in
// transaction-log order; and the secrets no output may contain.
//   node expected.js redis|mongodb OPEN_PORT AUTH_PORT OUT.expected.json OUT.secrets.txt PASSWORD
'use strict';
const fs = require('fs');
const data = require('./wire_data');

const [which, openPort, authPort, outJson, outSecrets, password] = process.argv.slice(2);

function e(method, path, status, port, auth, pii, note) {
  const provider = which;
  let container, object;
  if (which === 'redis') { const i = path.indexOf('/'); container = path.slice(0, i); object = path.slice(i + 1) || null; }
  else { const i = path.indexOf('.'); container = i < 0 ? path : path.slice(0, i); object = i < 0 ? null : path.slice(i + 1); }
  const shouldAlert = pii && auth === 'none' && status === 200;
  return {
    method, path, query_has_credential: false, status, interim_status: [], provider,
    resource: { container, object }, auth, pii, should_alert: shouldAlert,
    credential_kind: auth === 'present' ? `${which}_auth` : null, server_port: Number(port), note,
  };
}

const O = openPort, A = authPort;
let list;
if (which === 'redis') {
  list = [
    e('HGETALL', 'db0/customer:1001', 200, O, 'none', true, 'redis-cli, no password configured: a customer hash'),
    e('GET', 'db0/config:theme', 200, O, 'none', false, 'redis-cli: PII-free value'),
    e('KEYS', 'db0/customer:*', 200, O, 'none', false, 'redis-cli: key names only'),
    e('GET', 'db0/customer:1002:json', 200, O, 'none', true, 'node redis: a JSON document under a key'),
    e('LRANGE', 'db0/leads:recent', 200, O, 'none', true, 'node redis: a list of JSON records'),
    e('HGETALL', 'db0/stats:daily', 200, O, 'none', false, 'node redis: PII-free hash'),
    // the sensor's own Redis sink (PING, RPUSH of alerts) makes no transaction
    e('HGETALL', 'db0/customer:1001', 401, A, 'none', false, 'requirepass, no AUTH: -NOAUTH refusal'),
    e('HGETALL', 'db0/customer:1001', 200, A, 'present', true, 'redis-cli -a: authenticated read'),
    e('GET', 'db0/customer:1002:json', 200, A, 'present', true, 'node redis with password'),
    e('LRANGE', 'db0/leads:recent', 200, A, 'present', true, 'node redis with password'),
    e('HGETALL', 'db0/stats:daily', 200, A, 'present', false, 'node redis with password'),
    e('HGETALL', 'db0/customer:1003', 200, A, 'present', true, 'node redis with password'),
    e('HGETALL', 'db0/customer:1001', 401, A, 'none', false, 'redis-cli with a wrong password: WRONGPASS, then -NOAUTH'),
  ];
} else {
  list = [
    e('find', 'shop.customers', 200, O, 'none', true, 'driver, no auth: first batch of 2'),
    e('getMore', 'shop.customers', 200, O, 'none', true, 'driver, no auth: the rest of the cursor'),
    e('find', 'shop.settings', 200, O, 'none', false, 'PII-free collection'),
    e('find', 'crm.leads', 200, O, 'none', true, 'OP_COMPRESSED (zlib) both ways'),
    e('find', 'shop.customers', 401, A, 'none', false, 'auth required, none given: Unauthorized (13)'),
    e('find', 'shop.customers', 200, A, 'present', true, 'after SCRAM-SHA-256 (saslStart/saslContinue done)'),
  ];
}
fs.writeFileSync(outJson, JSON.stringify(list, null, 2) + '\n');
const secrets = data.secrets().concat(password ? [password] : []);
fs.writeFileSync(outSecrets, secrets.join('\n') + '\n');
