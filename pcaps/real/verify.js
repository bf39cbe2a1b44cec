'use strict';
// Check a capture against its expected list with tshark, then write its
// secrets file.
//
//   node verify.js PCAP PORT EXPECTED META SECRETS_OUT
//
// META is the scenario's JSON (signatures the clients generated) or '-' to
// skip that cross-check (re-checking committed captures). Needs only tshark
// and Node.js, no npm packages.
//
// Fails (exit 1, message on stderr) unless tshark sees exactly the expected
// HTTP requests, in order, each with one response carrying the expected
// status, and unless the credential each transaction carries (or not) is
// what the expected list says. The secrets file gets every credential found
// on the wire (SharedKey and SigV4 signatures, SAS sig, X-Amz-Signature; a
// percent-encoded query value is listed as seen on the wire and, when that
// differs, decoded) and every personal value of the generated data that the
// capture holds (all of them must be in it).

const { execFileSync } = require('child_process');
const fs = require('fs');
const { buildData } = require('./gen_data');

const [, , pcap, port, expectedFile, metaFile, secretsOut] = process.argv;
const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
const meta = metaFile === '-' ? {} : JSON.parse(fs.readFileSync(metaFile, 'utf8'));
const errors = [];
const fail = (m) => errors.push(m);

function tshark(filter, fields) {
  const args = ['-n', '-r', pcap, '-d', `tcp.port==${port},http`, '-Y', filter, '-T', 'fields',
    '-E', 'separator=\t', '-E', 'occurrence=f'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

const reqs = tshark('http.request', ['frame.number', 'http.request.method', 'http.request.uri', 'http.authorization'])
  .map(([frame, method, uri, authz]) => ({ frame: Number(frame), method, uri, authz: authz || '' }));
const allResps = tshark('http.response', ['frame.number', 'http.response.code', 'http.request_in', 'tcp.stream'])
  .map(([frame, code, reqIn, stream]) => ({ frame: Number(frame), code: Number(code), reqIn: Number(reqIn), stream }));
const resps = allResps.filter((r) => r.code >= 200);
// Interim (1xx) answers: each belongs to the request whose final answer is
// the next one on the same connection.
const interim = allResps.filter((r) => r.code < 200);
for (const r of interim) {
  const fin = resps.find((x) => x.stream === r.stream && x.frame > r.frame);
  if (!fin) fail(`interim ${r.code} in frame ${r.frame} has no final response after it`);
  else (fin.interim = fin.interim || []).push(r.code);
}
const nInterimExpected = expected.reduce((n, e) => n + e.interim_status.length, 0);
if (interim.length !== nInterimExpected) fail(`tshark sees ${interim.length} interim (1xx) responses, expected ${nInterimExpected}`);

// Every TCP connection must be whole: its handshake and its close are in the
// capture (a sensor test should not have to guess about mid-stream pickup).
const streams = new Map();
for (const [s, syn, ack, fin, rst] of tshark('tcp', ['tcp.stream', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset'])) {
  const st = streams.get(s) || { syn: false, close: false };
  const on = (v) => v === '1' || v === 'True';
  if (on(syn) && !on(ack)) st.syn = true;
  if (on(fin) || on(rst)) st.close = true;
  streams.set(s, st);
}
for (const [s, st] of streams) {
  if (!st.syn) fail(`tcp stream ${s} has no SYN in the capture`);
  if (!st.close) fail(`tcp stream ${s} has no FIN/RST in the capture`);
}

console.log(`  tshark: ${streams.size} connections, ${reqs.length} requests, ${resps.length} final + ${interim.length} interim responses; expected ${expected.length}`);
if (reqs.length !== expected.length) fail(`tshark sees ${reqs.length} HTTP requests, expected ${expected.length}`);
if (resps.length !== expected.length) fail(`tshark sees ${resps.length} HTTP responses, expected ${expected.length}`);

const creds = [];
const addCred = (v) => { if (v && !creds.includes(v)) creds.push(v); };

for (let i = 0; i < Math.min(reqs.length, expected.length); i++) {
  const q = reqs[i];
  const e = expected[i];
  const where = `transaction ${i + 1} (${e.method} ${e.path})`;
  const qpos = q.uri.indexOf('?');
  const path = qpos < 0 ? q.uri : q.uri.slice(0, qpos);
  const query = qpos < 0 ? '' : q.uri.slice(qpos + 1);
  if (q.method !== e.method) fail(`${where}: method on the wire is ${q.method}`);
  if (path !== e.path) fail(`${where}: path on the wire is ${path}`);
  // path-style addressing: /account/container/object (Azure), /bucket/key (S3)
  const segs = path.split('/').slice(1);
  const want = e.provider === 'azure_blob'
    ? { account: segs[0], container: segs[1] || null, object: segs.slice(2).join('/') || null }
    : { bucket: segs[0], object: segs.slice(1).join('/') || null };
  if (JSON.stringify(want) !== JSON.stringify(e.resource)) fail(`${where}: resource should be ${JSON.stringify(want)}`);

  const params = query.split('&').filter(Boolean).map((kv) => {
    const j = kv.indexOf('=');
    return j < 0 ? [kv, ''] : [kv.slice(0, j), kv.slice(j + 1)];
  });
  const qsig = params.find(([k]) => k === 'sig' || k.toLowerCase() === 'x-amz-signature');
  if (Boolean(qsig) !== e.query_has_credential) fail(`${where}: query credential on the wire: ${Boolean(qsig)}`);

  let kind = null;
  if (qsig && qsig[0] === 'sig') kind = 'sas';
  else if (qsig) kind = 'presigned_v4';
  if (q.authz.startsWith('SharedKey ')) kind = 'sharedkey';
  else if (q.authz.startsWith('AWS4-HMAC-SHA256 ')) kind = 'sigv4';
  else if (q.authz) fail(`${where}: unknown Authorization scheme ${q.authz.split(' ')[0]}`);
  if (kind !== e.credential_kind) fail(`${where}: credential on the wire is ${kind}, expected ${e.credential_kind}`);
  if ((kind ? 'present' : 'none') !== e.auth) fail(`${where}: auth should be ${kind ? 'present' : 'none'}`);

  if (qsig) {
    addCred(qsig[1]);
    addCred(decodeURIComponent(qsig[1]));
  }
  if (kind === 'sharedkey') addCred(q.authz.slice(q.authz.lastIndexOf(':') + 1));
  if (kind === 'sigv4') addCred(q.authz.match(/Signature=([0-9a-f]+)/)?.[1]);

  const r = resps.find((x) => x.reqIn === q.frame);
  if (!r) fail(`${where}: no response matched to request frame ${q.frame}`);
  else {
    if (r.code !== e.status) fail(`${where}: status on the wire ${r.code}, expected ${e.status}`);
    const got = JSON.stringify(r.interim || []);
    if (got !== JSON.stringify(e.interim_status)) fail(`${where}: interim responses on the wire ${got}`);
  }
  if (e.should_alert !== (e.auth === 'none' && e.status >= 200 && e.status < 300 && e.pii)) {
    fail(`${where}: should_alert inconsistent`);
  }
}

// What the clients handed out must be what went on the wire.
for (const v of [meta.sas_sig, meta.presigned_sig]) {
  if (v && !creds.includes(v)) fail(`signature ${v} generated by the client not found on the wire`);
}
const nCredTx = expected.filter((e) => e.credential_kind).length;
if (creds.length < nCredTx) fail(`only ${creds.length} credentials extracted for ${nCredTx} credentialed requests`);

// Every personal value must really be in the capture bytes (bodies travel
// uncompressed in one segment each on lo), and every on-wire credential too.
const raw = fs.readFileSync(pcap);
const pii = buildData().piiValues;
for (const v of pii) if (!raw.includes(Buffer.from(v))) fail(`personal value ${v} not found in the capture`);
for (const v of creds) {
  const inWire = raw.includes(Buffer.from(v)) || creds.some((w) => w !== v && decodeURIComponent(w) === v);
  if (!inWire) fail(`credential ${v} not found in the capture`);
}

if (errors.length) {
  for (const m of errors) console.error(`verify ${pcap}: ${m}`);
  process.exit(1);
}
fs.writeFileSync(secretsOut, [...creds, ...pii].join('\n') + '\n');
console.log(`  verified: ${expected.length} transactions, ${expected.filter((e) => e.should_alert).length} alerts expected, ` +
  `${creds.length} credential strings + ${pii.length} personal values in secrets`);
