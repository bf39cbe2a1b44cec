'use strict';
// Helpers shared by azure.js and s3.js: run curl one request at a time and
// keep the list of expected transactions in the order they went on the wire.

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// Under make_captures.sh's work dir when run from it (REALCAP_TMP), so its
// trap removes it whatever happens.
const TMP = fs.mkdtempSync(path.join(process.env.REALCAP_TMP || os.tmpdir(), 'realcap-curl-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// One anonymous (or query-signed) request with curl, in its own process and
// TCP connection. Returns {status, body, headers}. method is 'GET' or 'HEAD';
// extra is a list of request header lines.
function curl(method, url, extra = []) {
  return curlMulti(method, [url], extra)[0];
}

// Several requests from one curl process, which sends them one after the
// other on one keep-alive connection. Returns one {status, body, headers}
// per URL, in order.
function curlMulti(method, urls, extra = []) {
  const args = [];
  urls.forEach((u, i) => {
    // --next gives each URL its own options; curl keeps the connection.
    if (i > 0) args.push('--next');
    args.push('-s', '--max-time', '20', '-w', '%{http_code}\\n');
    if (method === 'HEAD') args.push('-I');
    else if (method !== 'GET') args.push('-X', method);
    for (const h of extra) args.push('-H', h);
    args.push('-D', path.join(TMP, `h${i}`), '-o', path.join(TMP, `b${i}`), u);
    fs.rmSync(path.join(TMP, `h${i}`), { force: true });
    fs.rmSync(path.join(TMP, `b${i}`), { force: true });
  });
  const codes = execFileSync('curl', args, { encoding: 'utf8' }).trim().split('\n');
  if (codes.length !== urls.length) throw new Error(`curl gave ${codes.length} results for ${urls.length} URLs`);
  return urls.map((u, i) => {
    const b = path.join(TMP, `b${i}`);
    const h = path.join(TMP, `h${i}`);
    return {
      status: Number(codes[i]),
      body: fs.existsSync(b) ? fs.readFileSync(b) : Buffer.alloc(0),
      headers: fs.existsSync(h) ? fs.readFileSync(h, 'utf8') : '',
    };
  });
}

// Whether a served body holds any of the generated personal values.
function holdsPii(body, piiValues) {
  const s = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
  return piiValues.some((v) => s.includes(v));
}

// A response header value from curl's -D dump (last occurrence).
function header(dump, name) {
  let v = null;
  for (const line of dump.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase()) v = line.slice(i + 1).trim();
  }
  return v;
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
      interim_status: t.interim_status || [],
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

module.exports = { curl, curlMulti, holdsPii, header, Expected, check };
