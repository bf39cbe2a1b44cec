'use strict';
// Azure Blob scenarios against a real Azurite.
//
//   node azure.js setup PORT              create containers + upload blobs (SharedKey), not captured
//   node azure.js run PORT EXPECTED META  the captured requests; writes the expected list and
//                                         META (JSON: SAS signature handed out, for the secrets check)
//
// Requests are made strictly one after the other so that the order in the
// capture is the order of the expected list.

const {
  BlobServiceClient, StorageSharedKeyCredential, generateBlobSASQueryParameters,
  BlobSASPermissions, SASProtocol,
} = require('@azure/storage-blob');
const fs = require('fs');
const { buildData } = require('./gen_data');
const { curl, curlMulti, holdsPii, header, Expected, check } = require('./common');

// Azurite's documented well-known development account.
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const [, , mode, portArg, expectedFile, metaFile] = process.argv;
const PORT = Number(portArg);
const BASE = `http://127.0.0.1:${PORT}/${ACCOUNT}`;
const cred = new StorageSharedKeyCredential(ACCOUNT, KEY);
const service = new BlobServiceClient(BASE, cred);
const data = buildData();

const EXPORTS = ['customers.csv', 'customers.json', 'mail/0001.eml', 'readme.txt'];

async function setup() {
  const exportsC = service.getContainerClient('exports');
  await exportsC.create({ access: 'container' });
  const privateC = service.getContainerClient('private');
  await privateC.create();
  for (const name of EXPORTS) {
    const f = data.files[name];
    await exportsC.getBlockBlobClient(name).upload(f.body, Buffer.byteLength(f.body),
      { blobHTTPHeaders: { blobContentType: f.contentType } });
  }
  const pay = data.files['payroll.csv'];
  await privateC.getBlockBlobClient('payroll.csv').upload(pay.body, Buffer.byteLength(pay.body),
    { blobHTTPHeaders: { blobContentType: pay.contentType } });
  console.log('azure: setup done');
}

function res(container, object) {
  return { account: ACCOUNT, container, object: object === undefined ? null : object };
}

async function streamToString(s) {
  const chunks = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

async function run() {
  const exp = new Expected(PORT);
  const P = 'azure_blob';

  // 1. anonymous container listing of the public container
  let r = curl('GET', `${BASE}/exports?restype=container&comp=list`);
  check(r.status === 200, `anonymous list of exports answered ${r.status}`);
  for (const name of EXPORTS) check(r.body.includes(`<Name>${name}</Name>`), `listing lacks ${name}`);
  exp.add({ method: 'GET', path: `/${ACCOUNT}/exports`, status: r.status, provider: P, resource: res('exports'),
    pii: holdsPii(r.body, data.piiValues), note: 'anonymous container listing (blob names only)' });

  // 2-5. anonymous reads of every blob in the public container
  for (const name of EXPORTS) {
    r = curl('GET', `${BASE}/exports/${name}`);
    check(r.status === 200, `anonymous GET exports/${name} answered ${r.status}`);
    check(r.body.toString('utf8') === data.files[name].body, `exports/${name} body differs from upload`);
    check(holdsPii(r.body, data.piiValues) === data.files[name].pii, `${name}: pii label disagrees with the body`);
    exp.add({ method: 'GET', path: `/${ACCOUNT}/exports/${name}`, status: r.status, provider: P,
      resource: res('exports', name), pii: data.files[name].pii,
      note: data.files[name].pii ? 'anonymous read of personal data: the leak' : 'anonymous read, no personal data' });
  }

  // 6. anonymous read of a blob in the private container: refused
  r = curl('GET', `${BASE}/private/payroll.csv`);
  check(r.status >= 400, `anonymous GET private/payroll.csv was served (${r.status})`);
  exp.add({ method: 'GET', path: `/${ACCOUNT}/private/payroll.csv`, status: r.status, provider: P,
    resource: res('private', 'payroll.csv'), pii: holdsPii(r.body, data.piiValues),
    note: `anonymous read of a private container refused by Azurite (${r.body.toString().match(/<Code>([^<]*)/)?.[1]})` });

  // 7. anonymous listing of the private container: refused
  r = curl('GET', `${BASE}/private?restype=container&comp=list`);
  check(r.status >= 400, `anonymous list of private was served (${r.status})`);
  exp.add({ method: 'GET', path: `/${ACCOUNT}/private`, status: r.status, provider: P,
    resource: res('private'), pii: holdsPii(r.body, data.piiValues),
    note: `anonymous listing of a private container refused (${r.body.toString().match(/<Code>([^<]*)/)?.[1]})` });

  // 8. the owner's application reads customers.csv with SharedKey
  const dl = await service.getContainerClient('exports').getBlobClient('customers.csv').download();
  const text = await streamToString(dl.readableStreamBody);
  check(text === data.files['customers.csv'].body, 'SDK download body differs');
  exp.add({ method: 'GET', path: `/${ACCOUNT}/exports/customers.csv`, status: 200, provider: P,
    resource: res('exports', 'customers.csv'), pii: holdsPii(text, data.piiValues), credential_kind: 'sharedkey',
    note: 'SDK download with SharedKey Authorization header' });

  // 9. a SAS URL (credential in the query) for the private payroll
  const now = new Date();
  const sas = generateBlobSASQueryParameters({
    containerName: 'private', blobName: 'payroll.csv', permissions: BlobSASPermissions.parse('r'),
    startsOn: new Date(now.getTime() - 5 * 60 * 1000), expiresOn: new Date(now.getTime() + 60 * 60 * 1000),
    protocol: SASProtocol.HttpsAndHttp,
  }, cred);
  r = curl('GET', `${BASE}/private/payroll.csv?${sas.toString()}`);
  check(r.status === 200, `SAS GET private/payroll.csv answered ${r.status}`);
  check(r.body.toString('utf8') === data.files['payroll.csv'].body, 'SAS download body differs');
  exp.add({ method: 'GET', path: `/${ACCOUNT}/private/payroll.csv`, status: r.status, provider: P,
    resource: res('private', 'payroll.csv'), pii: holdsPii(r.body, data.piiValues), query_has_credential: true, credential_kind: 'sas',
    note: 'service SAS (sr=b, sp=r) in the query string' });

  // 10. anonymous HEAD of a PII blob: served, but no body
  r = curl('HEAD', `${BASE}/exports/customers.csv`);
  check(r.status === 200, `anonymous HEAD answered ${r.status}`);
  exp.add({ method: 'HEAD', path: `/${ACCOUNT}/exports/customers.csv`, status: r.status, provider: P,
    resource: res('exports', 'customers.csv'), pii: true, note: 'anonymous HEAD: metadata only, no body' });

  const etag = header(r.headers, 'ETag');
  check(etag, 'HEAD gave no ETag');

  // 11. anonymous Range read: 206 with the first rows, still personal data
  r = curl('GET', `${BASE}/exports/customers.csv`, ['Range: bytes=0-767']);
  check(r.status === 206 && r.body.length === 768, `range GET answered ${r.status} with ${r.body.length} bytes`);
  check(data.files['customers.csv'].body.startsWith(r.body.toString('utf8')), 'range body is not the head of the blob');
  exp.add({ method: 'GET', path: `/${ACCOUNT}/exports/customers.csv`, status: r.status, provider: P,
    resource: res('exports', 'customers.csv'), pii: holdsPii(r.body, data.piiValues),
    note: 'anonymous Range: bytes=0-767 read (206 Partial Content)' });

  // 12. anonymous conditional read that the client already has: 304, no body
  r = curl('GET', `${BASE}/exports/customers.csv`, [`If-None-Match: ${etag}`]);
  check(r.status === 304 && r.body.length === 0, `conditional GET answered ${r.status}`);
  exp.add({ method: 'GET', path: `/${ACCOUNT}/exports/customers.csv`, status: r.status, provider: P,
    resource: res('exports', 'customers.csv'), pii: holdsPii(r.body, data.piiValues), note: 'anonymous If-None-Match read (304 Not Modified)' });

  // 13-14. two anonymous reads on one keep-alive connection
  const pair = curlMulti('GET', [`${BASE}/exports/readme.txt`, `${BASE}/exports/customers.json`]);
  for (const [i, name] of [[0, 'readme.txt'], [1, 'customers.json']]) {
    check(pair[i].status === 200 && pair[i].body.toString('utf8') === data.files[name].body, `keep-alive GET ${name} failed`);
    exp.add({ method: 'GET', path: `/${ACCOUNT}/exports/${name}`, status: pair[i].status, provider: P,
      resource: res('exports', name), pii: holdsPii(pair[i].body, data.piiValues),
      note: `anonymous read ${i + 1} of 2 on one keep-alive connection` });
  }

  // 15. the owner's application uploads with SharedKey: personal data in the
  // request body, none in the response (201, empty)
  const up = data.files['customers.csv'];
  const upRes = await service.getContainerClient('private').getBlockBlobClient('incoming/customers-2022.csv')
    .upload(up.body, Buffer.byteLength(up.body), { blobHTTPHeaders: { blobContentType: up.contentType } });
  check(upRes._response.status === 201, `SDK upload answered ${upRes._response.status}`);
  exp.add({ method: 'PUT', path: `/${ACCOUNT}/private/incoming/customers-2022.csv`, status: upRes._response.status,
    provider: P, resource: res('private', 'incoming/customers-2022.csv'), pii: false, credential_kind: 'sharedkey',
    note: 'SDK upload (Put Blob) with SharedKey: personal data only in the request body' });

  exp.write(expectedFile);
  fs.writeFileSync(metaFile, JSON.stringify({ sas_sig: sas.signature, sas_query: sas.toString() }) + '\n');
}

(mode === 'setup' ? setup() : run()).then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
