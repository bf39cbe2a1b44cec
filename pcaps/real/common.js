'use strict';
// Helpers shared by azure.js and s3.js: run curl one request at a time and
// keep the list of expected transactions in the order they went on the wire.

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'realcap-curl-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

// One anonymous (or query-signed) request with curl, in its own process and
// TCP connection. Returns {status, body}. method is 'GET' or 'HEAD'.
function curl(method, url) {
  const out = path.join(TMP, 'body');
  fs.rmSync(out, { force: true });
  const args = ['-s', '--max-time', '20', '-o', out, '-w', '%{http_code}'];
  if (method === 'HEAD') args.push('-I');
  else if (method !== 'GET') args.push('-X', method);
  args.push(url);
  const code = execFileSync('curl', args, { encoding: 'utf8' }).trim();
  const body = fs.existsSync(out) ? fs.readFileSync(out) : Buffer.alloc(0);
  return { status: Number(code), body };
}

// The expected list. add() takes the facts known from the scenario and
// derives should_alert the one way the sensor must: no credential, 2xx,
// personal data in the body that was actually served.
class Expected {
  constructor(port) {
    this.port = port;
    this.items = [];
  }

  add(t) {
    const served = t.status >= 200 && t.status < 300;
    const hasBody = t.method !== 'HEAD' && t.status !== 204 && t.status !== 304;
    const pii = Boolean(t.pii && served && hasBody);
    const auth = t.credential_kind ? 'present' : 'none';
    const item = {
      method: t.method,
      path: t.path,
      query_has_credential: Boolean(t.query_has_credential),
      status: t.status,
      provider: t.provider,
      resource: t.resource,
      auth,
      pii,
      should_alert: auth === 'none' && served && pii,
      credential_kind: t.credential_kind || null,
      server_port: this.port,
      note: t.note,
    };
    this.items.push(item);
    const flag = item.should_alert ? 'ALERT' : '-';
    console.log(`  ${item.method} ${item.path} -> ${item.status} auth=${auth} pii=${pii} ${flag}`);
    return item;
  }

  write(file) {
    fs.writeFileSync(file, JSON.stringify(this.items, null, 2) + '\n');
  }
}

function check(cond, msg) {
  if (!cond) {
    console.error('make_captures: ' + msg);
    process.exit(1);
  }
}

module.exports = { curl, Expected, check };
