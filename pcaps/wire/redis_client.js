// redis_client.js -- the second Redis client of the redis capture (node
// "redis" 4.x, RESP2), beside redis-cli.
//   node redis_client.js seed PORT [PASSWORD]   write the records (not captured)
//   node redis_client.js open PORT              unauthenticated reads
//   node redis_client.js auth PORT PASSWORD     authenticated reads
'use strict';
const { createClient } = require('redis');
const data = require('./wire_data');

const [mode, port, password] = process.argv.slice(2);

async function main() {
  const c = createClient({ url: `redis://127.0.0.1:${port}`, password: password || undefined });
  c.on('error', (e) => { console.error('redis_client:', e.message); process.exit(1); });
  await c.connect();
  if (mode === 'seed') {
    for (const x of data.customers)
      await c.hSet(`customer:${x._id}`, { name: x.name, email: x.email, iban: x.iban, phone: x.phone });
    await c.set('customer:1002:json', JSON.stringify(data.customers[1]));
    await c.rPush('leads:recent', data.leads.map((l) => JSON.stringify(l)));
    await c.set('config:theme', 'dark');
    await c.hSet('stats:daily', { visits: '1234', signups: '17' });
  } else {
    // a JSON document under a key, a list of JSON records, a PII-free hash
    const doc = await c.get('customer:1002:json');
    if (!doc) throw new Error('no customer:1002:json');
    await c.lRange('leads:recent', 0, -1);
    await c.hGetAll('stats:daily');
    if (mode === 'auth') await c.hGetAll('customer:1003');
  }
  await c.quit();
}

main().catch((e) => { console.error('redis_client:', e.message); process.exit(1); });
