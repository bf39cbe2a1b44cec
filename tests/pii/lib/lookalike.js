// lookalike.js -- PII-free data that looks like PII to a careless scanner:
// UUIDs, hashes, timestamps, prices, order ids, ISBNs/EANs, tracking
// numbers, versions, IPs, base64, minified JavaScript, metrics. Where a value
// has the shape of a checked identifier it is made to FAIL the check
// (Luhn-invalid card-shaped refs, wrong IBAN check digits, SSNs in forbidden
// ranges), or it is a valid one where the spec demands field context that is
// absent (an 11-proof number in an account_no column).
import * as ids from './ids.js';

const hex = (R, n) => R.chars(n, '0123456789abcdef');
const p2 = (x) => String(x).padStart(2, '0');

export const uuid = (R) => `${hex(R, 8)}-${hex(R, 4)}-4${hex(R, 3)}-${R.pick('89ab')}${hex(R, 3)}-${hex(R, 12)}`;
export const sha256 = (R) => hex(R, 64);
export const isoTime = (R) => `202${R.int(0, 4)}-${p2(R.int(1, 12))}-${p2(R.int(1, 28))}T${p2(R.int(0, 23))}:${p2(R.int(0, 59))}:${p2(R.int(0, 59))}Z`;
export const orderId = (R) => R.pick([() => `ORD-2024-${R.digits(6)}`, () => `${R.int(100000000, 999999999)}`, () => `PO${R.digits(8)}`])();
export const amount = (R) => {
  const v = R.int(1, 99999);
  return `${v >= 1000 ? Math.floor(v / 1000) + ',' + String(v % 1000).padStart(3, '0') : v}.${p2(R.int(0, 99))}`;
};
export const ipv4 = (R) => `${R.pick([10, 172, 192, 81, 145, 203])}.${R.int(0, 255)}.${R.int(0, 255)}.${R.int(1, 254)}`;
export const version = (R) => R.pick([
  () => `${R.int(0, 12)}.${R.int(0, 40)}.${R.int(0, 99)}`,
  () => `${R.int(1, 10)}.${R.int(0, 9)}.${R.int(0, 9)}.${R.int(0, 9999)}`,
  () => `v${R.int(1, 4)}.${R.int(0, 20)}.${R.int(0, 9)}-rc.${R.int(1, 5)}`,
])();
export const sku = (R) => `${R.chars(3, 'ABCDEFGHJKLMNPQRSTUVWXYZ')}-${R.digits(5)}`;

export function tracking(R) {
  return R.pick([
    () => `1Z${R.chars(6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}${R.digits(10)}`,                 // UPS
    () => `9400 1${R.digits(3)} ${R.digits(4)} ${R.digits(4)} ${R.digits(4)} ${R.digits(2)}`,        // USPS, 22 digits
    () => `${R.pick(['7', '8'])}${R.digits(11)}`,                                                     // FedEx 12
    () => `JJD${R.digits(18)}`,                                                                      // DHL
  ])();
}

export function isbn13(R) {
  const b = R.pick(['978', '979']) + R.digits(9);
  let s = 0;
  for (let i = 0; i < 12; i++) s += (+b[i]) * (i % 2 ? 3 : 1);
  const d = b + ((10 - (s % 10)) % 10);
  return `${d.slice(0, 3)}-${d[3]}-${d.slice(4, 7)}-${d.slice(7, 12)}-${d[12]}`;
}

// EAN-13 with prefixes that are no card IIN (never 4, 5x, 6x, 2x; see README)
export function ean13(R) {
  for (;;) {
    const b = R.pick(['30', '31', '32', '33', '70', '73', '76', '80', '84', '87', '90', '978']);
    const body = b + R.digits(12 - b.length);
    let s = 0;
    for (let i = 0; i < 12; i++) s += (+body[i]) * (i % 2 ? 3 : 1);
    const d = body + ((10 - (s % 10)) % 10);
    if (!ids.cardLike(d)) return d;
  }
}

// 16 digits with a Visa/Mastercard prefix that fail Luhn.
export function badCardRef(R) {
  for (;;) {
    const d = R.pick(['4', '51', '53', '55']) ;
    const s = d + R.digits(16 - d.length);
    if (!ids.luhnValid(s) && !ids.hasCardWindow(s)) return s;
  }
}

export function ordersCsv(R, n) {
  const cols = ['order_id', 'uuid', 'created_at', 'epoch_ms', 'amount', 'currency', 'sku', 'isbn', 'ean',
    'tracking', 'version', 'ip', 'ref', 'account_no', 'bank_ref', 'case_ref', 'fax', 'sha256'];
  let s = cols.join(',') + '\r\n';
  for (let i = 0; i < n; i++) {
    const row = [
      orderId(R), uuid(R), isoTime(R), String(1600000000000 + R.int(0, 200000000) * 1000 + R.int(0, 999)),
      `"${amount(R)}"`, R.pick(['EUR', 'USD', 'GBP']), sku(R), isbn13(R), ean13(R), tracking(R), version(R),
      ipv4(R), badCardRef(R), ids.bsn(R).text, ids.badIban(R, R.pick(ids.IBAN_COUNTRIES)), ids.badSsn(R),
      R.pick(['0000000000', '1111111111', '', 'n/a', '9999999']), sha256(R),
    ];
    s += row.join(',') + '\r\n';
  }
  return s;
}

export function catalogJson(R, n) {
  const words = ['alpha', 'lumen', 'terra', 'nova', 'vector', 'quartz', 'delta', 'orbit', 'prism', 'cobalt'];
  const items = [];
  for (let i = 0; i < n; i++) {
    items.push({
      sku: sku(R), title: `${R.pick(words)} ${R.pick(words)} ${R.int(2, 900)}`, price: +amount(R).replace(/,/g, ''),
      currency: 'EUR', isbn: isbn13(R), ean: ean13(R), version: version(R), image: `img/p${R.int(1, 9999)}@2x.png`,
      thumb: `img/p${R.int(1, 9999)}@3x.webp`, sha256: sha256(R), uuid: uuid(R), stock: R.int(0, 5000),
      updated_at: isoTime(R), dimensions: `${R.int(1, 99)}x${R.int(1, 99)}x${R.int(1, 99)} cm`, weight_g: R.int(10, 20000),
      rating: +(R.int(10, 50) / 10).toFixed(1), tags: [R.pick(words), R.pick(words)],
    });
  }
  return JSON.stringify(items, null, 2) + '\n';
}

export function accessLog(R, n) {
  const mons = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];
  const paths = ['/api/v2/items/', '/static/js/app.', '/healthz', '/api/v1/orders/', '/img/p'];
  const uas = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Safari/537.36',
    'curl/8.5.0', 'Go-http-client/2.0', 'python-requests/2.31.0', 'kube-probe/1.29'];
  let s = '';
  for (let i = 0; i < n; i++) {
    const t = `${p2(R.int(1, 28))}/${R.pick(mons)}/2024:${p2(R.int(0, 23))}:${p2(R.int(0, 59))}:${p2(R.int(0, 59))} ${R.pick(['+0000', '+0100', '-0500'])}`;
    s += `${ipv4(R)} - - [${t}] "GET ${R.pick(paths)}${R.int(1, 999999)}?page=${R.int(1, 50)} HTTP/1.1" ${R.pick([200, 200, 304, 404, 500])} ${R.int(100, 99999)} "-" "${R.pick(uas)}" rt=${(R.int(1, 5000) / 1000).toFixed(3)} req_id=${uuid(R)}\n`;
  }
  return s;
}

export function minifiedJs(R, size) {
  const ids2 = () => R.chars(R.int(1, 3), 'abcdefghijklmnopqrstuvwxyz_$');
  const parts = [
    () => `function ${ids2()}(${ids2()},${ids2()}){return ${ids2()}&&${ids2()}.__esModule?${ids2()}:{default:${ids2()}}}`,
    () => `var ${ids2()}=${R.int(0, 65535)},${ids2()}=0x${hex(R, R.int(2, 8))},${ids2()}=${(R.next() * 1000).toFixed(R.int(1, 6))};`,
    () => `${ids2()}.exports="${version(R)}";`,
    () => `[${Array.from({ length: R.int(3, 12) }, () => R.int(0, 99999)).join(',')}]`,
    () => `if(${ids2()}>=${R.int(1, 1e6)}&&${ids2()}<1e${R.int(2, 9)})throw new Error("E${R.int(100, 999)}");`,
    () => `${ids2()}=/^[a-z0-9_-]{${R.int(1, 8)},${R.int(9, 64)}}$/i.test(${ids2()});`,
    () => `"#${hex(R, 6)}"`,
    () => `${ids2()}.src="icons/${R.chars(6, 'abcdefghij')}@2x.png";`,
    () => `/*! pkg@${version(R)} */`,
    () => `${ids2()}.repo="git@github.com:acme/${R.chars(5, 'abcdefghij')}.git";`,
    () => `${ids2()}=Date.UTC(${R.int(1990, 2030)},${R.int(0, 11)},${R.int(1, 28)});`,
    () => `${ids2()}="${uuid(R)}";`,
    () => `Number.MAX_SAFE_INTEGER===9007199254740991;`,
    () => `@media (max-width:${R.int(300, 1400)}px){.${ids2()}{margin:${R.int(0, 40)}px}}`,
  ];
  let s = '!function(e,t){"use strict";';
  while (s.length < size) s += R.pick(parts)();
  return s + '}(this);\n';
}

export function base64Blob(R, size) {
  const b64 = R.bytes(Math.floor(size * 3 / 4)).toString('base64');
  return b64.match(/.{1,76}/g).join('\n') + '\n';
}

export function metricsNdjson(R, n) {
  const metrics = ['http.latency.p99', 'db.pool.in_use', 'queue.depth', 'cpu.user', 'gc.pause_ms'];
  let s = '';
  for (let i = 0; i < n; i++) {
    s += JSON.stringify({
      ts: 1700000000 + R.int(0, 9999999), host: `web-${R.int(1, 40)}`, metric: R.pick(metrics),
      value: +(R.next() * 10000).toFixed(3), count: R.int(0, 10000000), trace_id: hex(R, 32), span_id: hex(R, 16),
      build: version(R), region: R.pick(['eu-west-1', 'us-east-2', 'ap-northeast-1']),
    }) + '\n';
  }
  return s;
}

export function feedXml(R, n) {
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
  let s = '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Catalogue updates</title>\n';
  for (let i = 0; i < n; i++) {
    s += `<item><title>Item ${sku(R)}</title><guid isPermaLink="false">${uuid(R)}</guid>`;
    s += `<pubDate>${R.pick(days)}, ${R.int(1, 28)} Mar 2024 ${p2(R.int(0, 23))}:${p2(R.int(0, 59))}:00 +0100</pubDate>`;
    s += `<price>${amount(R)}</price><isbn>${isbn13(R)}</isbn><version>${version(R)}</version>`;
    s += `<link>https://shop.example/p/${R.int(1, 99999)}</link></item>\n`;
  }
  return s + '</channel></rss>\n';
}

// A CI test-suite log (DejaGnu style, as in /usr/share/doc/gdb/check.log):
// "PASS:" is a test result, not a password field; "uids 64010-64016" is a
// numeric range, not a phone. Both were seen as such in the false-positive
// survey (tests/pii/fp_scan.sh), so they stay here as regression look-alikes.
export function testLog(R, n) {
  const words = ['break', 'main', 'print', 'step', 'frame', 'watch', 'probe', 'argc', 'triplet', 'finish'];
  const res = ['PASS', 'PASS', 'PASS', 'FAIL', 'XFAIL', 'UNTESTED', 'UNSUPPORTED', 'KFAIL'];
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = R.int(0, 9);
    if (r === 0) s += `Running /build/pkg-${R.chars(6, 'abcdefghijklmnopqrstuvwxyz')}/testsuite/gdb.base/${R.pick(words)}.exp ...\n`;
    else if (r === 1) {
      const a = R.int(60000, 64990);
      s += `  * Reserve uids ${a}-${a + R.int(1, 9)} and gid ${a} for ${R.pick(words)}d\n`;
    } else s += `${R.pick(res)}: gdb.base/${R.pick(words)}.exp: ${R.pick(words)} ${R.pick(words)}: print $_${R.pick(words)}${R.int(0, 9)}\n`;
  }
  return s + `\n\t\t=== gdb Summary ===\n\n# of expected passes\t\t${R.int(1000, 99999)}\n# of unexpected failures\t${R.int(0, 999)}\n`;
}
