// mongo_client.js -- the official MongoDB Node.js driver as the client of the
// mongodb capture: the four cases against mongo_server.js.
//   node mongo_client.js OPEN_PORT AUTH_PORT USER PASSWORD
'use strict';
const { MongoClient } = require('mongodb');

const [openPort, authPort, user, pass] = process.argv.slice(2);
const opts = 'directConnection=true&serverMonitoringMode=poll&heartbeatFrequencyMS=60000&appName=wirecap';

async function withClient(url, fn) {
  const c = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  await c.connect();
  try { return await fn(c); } finally { await c.close(); }
}

async function main() {
  const open = `mongodb://127.0.0.1:${openPort}/?${opts}`;
  // 1. unauthenticated reads of personal data: find, then getMore (batchSize 2)
  const all = await withClient(open, (c) => c.db('shop').collection('customers').find({}, { batchSize: 2 }).toArray());
  if (all.length !== 4) throw new Error(`customers: ${all.length}`);
  // 2. a PII-free read
  await withClient(open, (c) => c.db('shop').collection('settings').find({}).toArray());
  // 3. compressed (zlib) unauthenticated read
  const leads = await withClient(`${open}&compressors=zlib`, (c) => c.db('crm').collection('leads').find({}).toArray());
  if (leads.length !== 2) throw new Error(`leads: ${leads.length}`);
  // 4. refused: no credentials on the server that requires them
  let refused = false;
  try {
    await withClient(`mongodb://127.0.0.1:${authPort}/?${opts}`, (c) => c.db('shop').collection('customers').find({}).toArray());
  } catch (e) {
    refused = e.code === 13;
  }
  if (!refused) throw new Error('unauthenticated find was not refused');
  // 5. authenticated (SCRAM-SHA-256) read of the same data
  const authed = `mongodb://${user}:${encodeURIComponent(pass)}@127.0.0.1:${authPort}/?${opts}&authSource=admin&authMechanism=SCRAM-SHA-256`;
  const got = await withClient(authed, (c) => c.db('shop').collection('customers').find({}).toArray());
  if (got.length !== 4) throw new Error(`authenticated customers: ${got.length}`);
  console.log('mongo_client: ok');
}

main().catch((e) => { console.error('mongo_client:', e.message); process.exit(1); });
