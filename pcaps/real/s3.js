'use strict';
// S3 scenarios against a real s3rver, path-style.
//
//   node s3.js setup PORT              create buckets + upload objects (SigV4), not captured
//   node s3.js run PORT EXPECTED META  the captured requests; writes the expected list and
//                                      META (JSON: presigned URL handed out, for the secrets check)
//
// s3rver enforces no ACLs (every object is readable anonymously), so the
// refusals here are the ones it does give: a missing key (404 NoSuchKey) and
// a missing bucket (404 NoSuchBucket). Requests run strictly one at a time.

const {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand,
} = require('@aws-sdk/client-s3');
const { getSignedUrl } = require('@aws-sdk/s3-request-presigner');
const fs = require('fs');
const { buildData } = require('./gen_data');
const { curl, curlMulti, holdsPii, header, Expected, check } = require('./common');

const [, , mode, portArg, expectedFile, metaFile] = process.argv;
const PORT = Number(portArg);
const BASE = `http://127.0.0.1:${PORT}`;
const client = new S3Client({
  endpoint: BASE,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  maxAttempts: 1,
});
const data = buildData();
const PUBLIC = ['customers.csv', 'customers.json', 'mail/0001.eml', 'readme.txt'];

async function put(bucket, key, name) {
  const f = data.files[name];
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: f.body, ContentType: f.contentType }));
}

async function setup() {
  await client.send(new CreateBucketCommand({ Bucket: 'public-exports' }));
  await client.send(new CreateBucketCommand({ Bucket: 'private-data' }));
  for (const name of PUBLIC) await put('public-exports', name, name);
  await put('private-data', 'payroll.csv', 'payroll.csv');
  console.log('s3: setup done');
}

function res(bucket, object) {
  return { bucket, object: object === undefined ? null : object };
}
function errCode(body) {
  return body.toString().match(/<Code>([^<]*)/)?.[1];
}

async function run() {
  const exp = new Expected(PORT);
  const P = 's3';

  // 1. anonymous ListObjectsV2 of the bucket
  let r = curl('GET', `${BASE}/public-exports?list-type=2`);
  check(r.status === 200, `anonymous list answered ${r.status}`);
  for (const name of PUBLIC) check(r.body.includes(`<Key>${name}</Key>`), `listing lacks ${name}`);
  exp.add({ method: 'GET', path: '/public-exports', status: r.status, provider: P, resource: res('public-exports'),
    pii: holdsPii(r.body, data.piiValues), note: 'anonymous ListObjectsV2 (keys only)' });

  // 2-5. anonymous reads of every object
  for (const name of PUBLIC) {
    r = curl('GET', `${BASE}/public-exports/${name}`);
    check(r.status === 200, `anonymous GET public-exports/${name} answered ${r.status}`);
    check(r.body.toString('utf8') === data.files[name].body, `public-exports/${name} body differs from upload`);
    check(holdsPii(r.body, data.piiValues) === data.files[name].pii, `${name}: pii label disagrees with the body`);
    exp.add({ method: 'GET', path: `/public-exports/${name}`, status: r.status, provider: P,
      resource: res('public-exports', name), pii: data.files[name].pii,
      note: data.files[name].pii ? 'anonymous read of personal data: the leak' : 'anonymous read, no personal data' });
  }

  // 6. missing key
  r = curl('GET', `${BASE}/public-exports/customers-2021.csv`);
  check(r.status === 404, `GET of a missing key answered ${r.status}`);
  exp.add({ method: 'GET', path: '/public-exports/customers-2021.csv', status: r.status, provider: P,
    resource: res('public-exports', 'customers-2021.csv'), pii: holdsPii(r.body, data.piiValues), note: `missing key (${errCode(r.body)})` });

  // 7. missing bucket
  r = curl('GET', `${BASE}/backup-exports/customers.csv`);
  check(r.status === 404, `GET in a missing bucket answered ${r.status}`);
  exp.add({ method: 'GET', path: '/backup-exports/customers.csv', status: r.status, provider: P,
    resource: res('backup-exports', 'customers.csv'), pii: holdsPii(r.body, data.piiValues), note: `missing bucket (${errCode(r.body)})` });

  // 8. the owner's application: GetObject with a SigV4 Authorization header
  const got = await client.send(new GetObjectCommand({ Bucket: 'public-exports', Key: 'customers.csv' }));
  const text = await got.Body.transformToString();
  check(text === data.files['customers.csv'].body, 'SDK GetObject body differs');
  exp.add({ method: 'GET', path: '/public-exports/customers.csv', status: got.$metadata.httpStatusCode, provider: P,
    resource: res('public-exports', 'customers.csv'), pii: holdsPii(text, data.piiValues), credential_kind: 'sigv4',
    note: 'SDK GetObject, AWS4-HMAC-SHA256 Authorization header' });

  // 9. a presigned URL (X-Amz-Signature in the query) fetched with curl
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'private-data', Key: 'payroll.csv' }),
    { expiresIn: 3600 });
  r = curl('GET', url);
  check(r.status === 200, `presigned GET answered ${r.status}`);
  check(r.body.toString('utf8') === data.files['payroll.csv'].body, 'presigned body differs');
  exp.add({ method: 'GET', path: '/private-data/payroll.csv', status: r.status, provider: P,
    resource: res('private-data', 'payroll.csv'), pii: holdsPii(r.body, data.piiValues), query_has_credential: true,
    credential_kind: 'presigned_v4', note: 'presigned GetObject URL (X-Amz-Algorithm=AWS4-HMAC-SHA256)' });

  // 10. anonymous HEAD: served, no body
  r = curl('HEAD', `${BASE}/public-exports/customers.csv`);
  check(r.status === 200, `anonymous HEAD answered ${r.status}`);
  exp.add({ method: 'HEAD', path: '/public-exports/customers.csv', status: r.status, provider: P,
    resource: res('public-exports', 'customers.csv'), pii: true, note: 'anonymous HEAD: metadata only, no body' });

  const etag = header(r.headers, 'ETag');
  check(etag, 'HEAD gave no ETag');

  // 11. anonymous Range read: 206 with the first rows, still personal data
  r = curl('GET', `${BASE}/public-exports/customers.csv`, ['Range: bytes=0-767']);
  check(r.status === 206 && r.body.length === 768, `range GET answered ${r.status} with ${r.body.length} bytes`);
  check(data.files['customers.csv'].body.startsWith(r.body.toString('utf8')), 'range body is not the head of the blob');
  exp.add({ method: 'GET', path: `/public-exports/customers.csv`, status: r.status, provider: P,
    resource: res('public-exports', 'customers.csv'), pii: holdsPii(r.body, data.piiValues),
    note: 'anonymous Range: bytes=0-767 read (206 Partial Content)' });

  // 12. anonymous conditional read that the client already has: 304, no body
  r = curl('GET', `${BASE}/public-exports/customers.csv`, [`If-None-Match: ${etag}`]);
  check(r.status === 304 && r.body.length === 0, `conditional GET answered ${r.status}`);
  exp.add({ method: 'GET', path: `/public-exports/customers.csv`, status: r.status, provider: P,
    resource: res('public-exports', 'customers.csv'), pii: holdsPii(r.body, data.piiValues), note: 'anonymous If-None-Match read (304 Not Modified)' });

  // 13-14. two anonymous reads on one keep-alive connection
  const pair = curlMulti('GET', [`${BASE}/public-exports/readme.txt`, `${BASE}/public-exports/customers.json`]);
  for (const [i, name] of [[0, 'readme.txt'], [1, 'customers.json']]) {
    check(pair[i].status === 200 && pair[i].body.toString('utf8') === data.files[name].body, `keep-alive GET ${name} failed`);
    exp.add({ method: 'GET', path: `/public-exports/${name}`, status: pair[i].status, provider: P,
      resource: res('public-exports', name), pii: holdsPii(pair[i].body, data.piiValues),
      note: `anonymous read ${i + 1} of 2 on one keep-alive connection` });
  }

  // 15. the owner's application uploads with SigV4: personal data in the
  // request body, none in the response (200, empty)
  const up = data.files['customers.csv'];
  const upRes = await client.send(new PutObjectCommand({ Bucket: 'private-data', Key: 'incoming/customers-2022.csv',
    Body: up.body, ContentType: up.contentType }));
  check(upRes.$metadata.httpStatusCode === 200, `SDK PutObject answered ${upRes.$metadata.httpStatusCode}`);
  // The SDK sends Expect: 100-continue; Node's server answers 100 Continue first.
  exp.add({ method: 'PUT', path: '/private-data/incoming/customers-2022.csv', status: upRes.$metadata.httpStatusCode,
    interim_status: [100], provider: P, resource: res('private-data', 'incoming/customers-2022.csv'), pii: false, credential_kind: 'sigv4',
    note: 'SDK PutObject with SigV4 and Expect: 100-continue: personal data only in the request body' });

  exp.write(expectedFile);
  const sig = new URL(url).searchParams.get('X-Amz-Signature');
  fs.writeFileSync(metaFile, JSON.stringify({ presigned_sig: sig, presigned_url: url }) + '\n');
}

(mode === 'setup' ? setup() : run()).then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
