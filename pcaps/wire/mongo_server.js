// mongo_server.js -- a small MongoDB test server: enough of the wire protocol
// (OP_MSG, OP_QUERY handshake, OP_COMPRESSED with zlib) and of SCRAM-SHA-256
// for the official Node.js driver to connect, authenticate and read.
// No MongoDB server is packaged for Debian 12 (mongodb-server has no
// candidate) and mongodb-memory-server downloads a server binary at run
// time, which fails offline; so the server side of pcaps/mongodb.pcap is this.
//
//   node mongo_server.js PORT [USER:PASSWORD]   (with a user, reads need auth)
'use strict';
const net = require('net');
const crypto = require('crypto');
const zlib = require('zlib');
const { BSON, Long, Binary } = require('bson');
const data = require('./wire_data');

const port = Number(process.argv[2] || 27117);
const [authUser, authPass] = (process.argv[3] || '').split(':');
const requireAuth = Boolean(authUser);

const OP_REPLY = 1, OP_QUERY = 2004, OP_COMPRESSED = 2012, OP_MSG = 2013;
let nextId = 1000;

function header(len, id, to, op) {
  const h = Buffer.alloc(16);
  h.writeInt32LE(len, 0); h.writeInt32LE(id, 4); h.writeInt32LE(to, 8); h.writeInt32LE(op, 12);
  return h;
}

function opMsg(to, doc) {
  const body = BSON.serialize(doc);
  const flags = Buffer.alloc(4);
  const msg = Buffer.concat([flags, Buffer.from([0]), body]);
  return { op: OP_MSG, body: msg, to };
}

function opReply(to, doc) {
  const d = BSON.serialize(doc);
  const b = Buffer.alloc(20);
  b.writeInt32LE(8, 0);              // AwaitCapable
  b.writeBigInt64LE(0n, 4);          // cursorID
  b.writeInt32LE(0, 12);             // startingFrom
  b.writeInt32LE(1, 16);             // numberReturned
  return { op: OP_REPLY, body: Buffer.concat([b, d]), to };
}

function frame(m, compress) {
  const id = nextId++;
  if (compress) {
    const z = zlib.deflateSync(m.body);
    const c = Buffer.alloc(9);
    c.writeInt32LE(m.op, 0); c.writeInt32LE(m.body.length, 4); c.writeUInt8(2, 8);
    const body = Buffer.concat([c, z]);
    return Buffer.concat([header(16 + body.length, id, m.to, OP_COMPRESSED), body]);
  }
  return Buffer.concat([header(16 + m.body.length, id, m.to, m.op), m.body]);
}

// ---- SCRAM-SHA-256 (RFC 5802, RFC 7677) ----
const salt = crypto.randomBytes(16);
const iterations = 4096;
function hmac(key, s) { return crypto.createHmac('sha256', key).update(s).digest(); }
function sha(b) { return crypto.createHash('sha256').update(b).digest(); }
const saltedPassword = requireAuth ? crypto.pbkdf2Sync(authPass, salt, iterations, 32, 'sha256') : null;

function parseScram(s) {
  const out = {};
  for (const part of s.split(',')) { const i = part.indexOf('='); if (i > 0) out[part.slice(0, i)] = part.slice(i + 1); }
  return out;
}

function handshakeReply(cmd, conn) {
  const r = {
    helloOk: true, ismaster: true, isWritablePrimary: true,
    maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000,
    localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: conn.id,
    minWireVersion: 0, maxWireVersion: 17, readOnly: false, ok: 1,
  };
  if (Array.isArray(cmd.compression) && cmd.compression.includes('zlib')) { r.compression = ['zlib']; conn.zlib = true; }
  if (cmd.saslSupportedMechs) r.saslSupportedMechs = ['SCRAM-SHA-256'];
  return r;
}

function run(cmd, conn) {
  const name = Object.keys(cmd)[0];
  const lname = name.toLowerCase();
  if (lname === 'hello' || lname === 'ismaster') return handshakeReply(cmd, conn);
  if (name === 'saslStart') {
    const first = Buffer.from(cmd.payload.buffer).toString();
    const bare = first.replace(/^n,[^,]*,/, '');
    const f = parseScram(bare);
    if (!requireAuth || f.n !== authUser) return { ok: 0, errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' };
    const nonce = f.r + crypto.randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    conn.scram = { bare, serverFirst, nonce };
    return { conversationId: 1, done: false, payload: new Binary(Buffer.from(serverFirst)), ok: 1 };
  }
  if (name === 'saslContinue') {
    const sc = conn.scram;
    if (!sc) return { ok: 0, errmsg: 'No SASL session state found', code: 17, codeName: 'ProtocolError' };
    if (sc.done) return { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
    const fin = Buffer.from(cmd.payload.buffer).toString();
    const f = parseScram(fin);
    const withoutProof = fin.slice(0, fin.lastIndexOf(',p='));
    const authMessage = `${sc.bare},${sc.serverFirst},${withoutProof}`;
    const clientKey = hmac(saltedPassword, 'Client Key');
    const signature = hmac(sha(clientKey), authMessage);
    const proof = Buffer.from(f.p || '', 'base64');
    const expect = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    if (f.r !== sc.nonce || proof.length !== expect.length || !crypto.timingSafeEqual(proof, expect)) {
      conn.scram = null;
      return { ok: 0, errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' };
    }
    const serverSig = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
    sc.done = true;
    conn.authed = true;
    return { conversationId: 1, done: true, payload: new Binary(Buffer.from(`v=${serverSig.toString('base64')}`)), ok: 1 };
  }
  if (name === 'ping' || name === 'endSessions' || name === 'buildInfo' || name === 'killCursors')
    return name === 'buildInfo' ? { version: '6.0.0-wiretest', ok: 1 } : { ok: 1 };
  if (name === 'find' || name === 'getMore') {
    if (requireAuth && !conn.authed)
      return { ok: 0, errmsg: `command ${name} requires authentication`, code: 13, codeName: 'Unauthorized' };
    const db = cmd.$db;
    if (name === 'find') {
      const coll = cmd.find;
      const docs = (data.mongo[coll] || []).slice();
      const batch = cmd.batchSize !== undefined ? Number(cmd.batchSize) : 101;
      const first = docs.slice(0, batch);
      const rest = docs.slice(batch);
      let id = 0;
      if (rest.length) { id = 4242 + conn.id; conn.cursors.set(id, { ns: `${db}.${coll}`, rest }); }
      return { cursor: { firstBatch: first, id: Long.fromNumber(id), ns: `${db}.${coll}` }, ok: 1 };
    }
    const id = Number(cmd.getMore);
    const c = conn.cursors.get(id);
    if (!c) return { ok: 0, errmsg: 'cursor not found', code: 43, codeName: 'CursorNotFound' };
    conn.cursors.delete(id);
    return { cursor: { nextBatch: c.rest, id: Long.fromNumber(0), ns: c.ns }, ok: 1 };
  }
  return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
}

function handle(conn, m) {
  let op = m.readInt32LE(12);
  const id = m.readInt32LE(4);
  let body = m.subarray(16);
  let compressed = false;
  if (op === OP_COMPRESSED) {
    op = body.readInt32LE(0);
    const size = body.readInt32LE(4);
    if (body.readUInt8(8) !== 2) throw new Error('only zlib here');
    body = zlib.inflateSync(body.subarray(9));
    if (body.length !== size) throw new Error('bad uncompressedSize');
    compressed = true;
  }
  if (op === OP_QUERY) {
    let o = 4;
    const z = body.indexOf(0, o);
    o = z + 1 + 8;
    const q = BSON.deserialize(body.subarray(o), { allowObjectSmallerThanBufferSize: true });
    const cmd = q.$query || q;
    return frame(opReply(id, run(cmd, conn)), false);
  }
  if (op === OP_MSG) {
    const flags = body.readUInt32LE(0);
    let o = 4;
    let cmd = null;
    const end = body.length - (flags & 1 ? 4 : 0);
    while (o < end) {
      const kind = body.readUInt8(o); o += 1;
      const len = body.readInt32LE(o);
      if (kind === 0) cmd = BSON.deserialize(body.subarray(o, o + len));
      o += len;
    }
    const reply = run(cmd, conn);
    if (flags & 2) return null;   // moreToCome
    return frame(opMsg(id, reply), compressed && conn.zlib);
  }
  throw new Error(`opcode ${op} not supported`);
}

let conns = 0;
const server = net.createServer((sock) => {
  const conn = { id: ++conns, authed: false, cursors: new Map(), zlib: false };
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4) {
      const n = buf.readInt32LE(0);
      if (buf.length < n) break;
      const m = buf.subarray(0, n);
      buf = buf.subarray(n);
      try {
        const out = handle(conn, m);
        if (out) sock.write(out);
      } catch (e) {
        console.error('mongo_server:', e.message);
        sock.destroy();
        return;
      }
    }
  });
  sock.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => console.log(`mongo_server listening on ${port}${requireAuth ? ' (auth)' : ''}`));
