// ids.js -- valid-by-construction identifiers for the labelled PII data.
//
// Every generator here implements the public check rules itself (Luhn, ISO
// 13616 mod-97, SSA SSN ranges, HMRC NINO prefixes, Dutch 11-proof, Spanish
// DNI/NIE letters, Italian codice fiscale check character, French NIR key,
// Brazilian CPF check digits, Verhoeff for Aadhaar, Canadian SIN Luhn) and
// returns { text, norm }: the surface form written into the data and the
// normalised value the engine is expected to count as distinct.
//
// All randomness comes from the seeded PRNG passed in (R), so output is
// deterministic.

export function makeRng(seed) {
  // mulberry32
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const R = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(Math.floor(next() * 10));
      return s;
    },
    chars: (n, alphabet) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
  return R;
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// ---- Luhn ----

export function luhnValid(d) {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let v = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
  }
  return sum % 10 === 0;
}

export function luhnComplete(body) {
  for (let c = 0; c < 10; c++) if (luhnValid(body + c)) return body + c;
  throw new Error('unreachable');
}

// ---- payment cards ----

const BRANDS = [
  { name: 'visa', len: 16, prefix: (R) => '4' },
  { name: 'mastercard', len: 16, prefix: (R) => String(R.int(51, 55)) },
  { name: 'mastercard2', len: 16, prefix: (R) => String(R.int(2221, 2720)) },
  { name: 'amex', len: 15, prefix: (R) => R.pick(['34', '37']) },
  { name: 'discover', len: 16, prefix: (R) => R.pick(['6011', '65', String(R.int(644, 649))]) },
  { name: 'jcb', len: 16, prefix: (R) => String(R.int(3528, 3589)) },
  { name: 'diners', len: 14, prefix: (R) => R.pick(['36', '38', String(R.int(300, 305))]) },
  { name: 'unionpay', len: 16, prefix: (R) => '62' },
];

// Would a digit string be taken for a card by IIN + length + Luhn?
export function cardLike(d) {
  if (d.length < 13 || d.length > 19 || !luhnValid(d)) return false;
  const p2 = +d.slice(0, 2), p3 = +d.slice(0, 3), p4 = +d.slice(0, 4);
  if (d[0] === '4') return [13, 16, 19].includes(d.length);
  if (p2 >= 51 && p2 <= 55) return d.length === 16;
  if (p4 >= 2221 && p4 <= 2720) return d.length === 16;
  if (p2 === 34 || p2 === 37) return d.length === 15;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return d.length >= 16;
  if (p4 >= 3528 && p4 <= 3589) return d.length >= 16;
  if (p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) return d.length >= 14;
  if (p2 === 62) return d.length >= 16;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return d.length >= 12;   // Maestro et al.
  return false;
}

// Does any 13..19 window of the digits in s look like a card? Used to keep
// other kinds' values from colliding with the card validator.
export function hasCardWindow(s) {
  const d = s.replace(/[^0-9]/g, '');
  for (let len = 13; len <= 19; len++)
    for (let i = 0; i + len <= d.length; i++) if (cardLike(d.slice(i, i + len))) return true;
  return false;
}

export function card(R, brandName) {
  const brand = brandName ? BRANDS.find((b) => b.name === brandName) : R.pick(BRANDS);
  const pre = brand.prefix(R);
  const d = luhnComplete(pre + R.digits(brand.len - pre.length - 1));
  let text;
  const style = R.int(0, 2);
  if (brand.len === 16 && style === 0) text = d.replace(/(\d{4})(?=\d)/g, '$1 ');
  else if (brand.len === 16 && style === 1) text = d.replace(/(\d{4})(?=\d)/g, '$1-');
  else if (brand.len === 15 && style === 0) text = `${d.slice(0, 4)} ${d.slice(4, 10)} ${d.slice(10)}`;
  else text = d;
  return { text, norm: d, brand: brand.name };
}

// ---- IBAN (ISO 13616) ----

// country: [length, BBAN pattern]: n digit, a upper letter, c alnum (we use digits)
const IBAN_FMT = {
  DE: [22, '18n'], NL: [18, '4a10n'], GB: [22, '4a14n'], FR: [27, '23n'], ES: [24, '20n'],
  IT: [27, '1a22n'], BE: [16, '12n'], AT: [20, '16n'], CH: [21, '17n'], PL: [28, '24n'],
  PT: [25, '21n'], IE: [22, '4a14n'], SE: [24, '20n'], DK: [18, '14n'], FI: [18, '14n'],
  LU: [20, '16n'], NO: [15, '11n'], BR: [29, '23n1a1a'],
};
export const IBAN_COUNTRIES = Object.keys(IBAN_FMT);

export function mod97(str) {
  let r = 0;
  for (const ch of str) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of v) r = (r * 10 + (c.charCodeAt(0) - 48)) % 97;
  }
  return r;
}

export function ibanValid(iban) {
  const [len] = IBAN_FMT[iban.slice(0, 2)] || [0];
  return iban.length === len && mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

function bban(R, pat) {
  let s = '';
  for (const m of pat.matchAll(/(\d+)([na])/g)) {
    const n = +m[1];
    s += m[2] === 'n' ? R.digits(n) : R.chars(n, UPPER);
  }
  return s;
}

export function iban(R, cc, spaced) {
  const [, pat] = IBAN_FMT[cc];
  for (;;) {
    const b = bban(R, pat);
    const check = String(98 - mod97(b + cc + '00')).padStart(2, '0');
    const v = cc + check + b;
    if (!ibanValid(v)) throw new Error('iban bug ' + v);
    if (hasCardWindow(v.slice(4))) continue;     // keep clear of the card validator
    const text = spaced ? v.replace(/(.{4})(?=.)/g, '$1 ') : v;
    return { text, norm: v };
  }
}

// An IBAN-shaped string whose check digits are wrong (look-alike).
export function badIban(R, cc) {
  const v = iban(R, cc, false).norm;
  const wrong = String((+v.slice(2, 4) + R.int(1, 90)) % 97 + 2).padStart(2, '0').slice(-2);
  const s = v.slice(0, 2) + wrong + v.slice(4);
  return ibanValid(s) ? badIban(R, cc) : s;
}

// ---- national ids ----

export function ssn(R, dashed = true) {
  let area;
  do area = R.int(1, 899); while (area === 666);
  const a = String(area).padStart(3, '0');
  const g = String(R.int(1, 99)).padStart(2, '0');
  const s = String(R.int(1, 9999)).padStart(4, '0');
  const norm = a + g + s;
  return { text: dashed ? `${a}-${g}-${s}` : norm, norm };
}

// SSN-shaped strings that break the SSA rules (look-alike).
export function badSsn(R) {
  const kind = R.int(0, 3);
  const g = String(R.int(1, 99)).padStart(2, '0');
  const s = String(R.int(1, 9999)).padStart(4, '0');
  if (kind === 0) return `000-${g}-${s}`;
  if (kind === 1) return `666-${g}-${s}`;
  if (kind === 2) return `${R.int(900, 999)}-${g}-${s}`;
  return `${String(R.int(1, 665)).padStart(3, '0')}-00-${s}`;
}

const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const NINO_BAD = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
export function nino(R, spaced) {
  let p;
  do p = R.pick(NINO_FIRST) + R.pick(NINO_SECOND); while (NINO_BAD.has(p));
  const d = R.digits(6);
  const suf = R.pick('ABCD');
  const norm = p + d + suf;
  const text = spaced ? `${p} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${suf}` : norm;
  return { text, norm };
}

export function bsnValid(d) {
  if (!/^\d{9}$/.test(d)) return false;
  let s = 0;
  for (let i = 0; i < 8; i++) s += (+d[i]) * (9 - i);
  s -= +d[8];
  return s % 11 === 0;
}

export function bsn(R) {
  for (;;) {
    const d = String(R.int(1, 9)) + R.digits(8);
    if (bsnValid(d)) return { text: d, norm: d };
  }
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export function dni(R) {
  const n = R.digits(8);
  const t = n + DNI_LETTERS[+n % 23];
  return { text: t, norm: t };
}
export function nie(R) {
  const p = R.int(0, 2);
  const n = R.digits(7);
  const t = 'XYZ'[p] + n + DNI_LETTERS[+(String(p) + n) % 23];
  return { text: t, norm: t };
}

// Codice fiscale: 6 letters, YY, month letter, DD (+40 women), Belfiore code, check.
const CF_ODD = {
  0: 1, 1: 0, 2: 5, 3: 7, 4: 9, 5: 13, 6: 15, 7: 17, 8: 19, 9: 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};
export function cfCheck(s15) {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = s15[i];
    if (i % 2 === 0) sum += CF_ODD[c];
    else sum += c >= '0' && c <= '9' ? +c : c.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}
export function codiceFiscale(R) {
  const cons = 'BCDFGHJKLMNPQRSTVWXZ';
  const letters = R.chars(6, cons);
  const yy = R.digits(2);
  const mm = R.pick('ABCDEHLMPRST');
  const day = R.int(1, 28) + (R.chance(0.5) ? 40 : 0);
  const place = R.pick(['H501', 'F205', 'L219', 'F839', 'A944', 'G273', 'D612', 'L736']);
  const s15 = letters + yy + mm + String(day).padStart(2, '0') + place;
  const t = s15 + cfCheck(s15);
  return { text: t, norm: t };
}

// French NIR: sex, YY, MM, department (2A/2B for Corsica), commune, order, key.
export function nir(R) {
  const sex = R.pick(['1', '2']);
  const yy = R.digits(2);
  const mm = String(R.int(1, 12)).padStart(2, '0');
  let dept = R.pick(['75', '69', '13', '33', '59', '2A', '2B', '01', '44', '67', '06', '31']);
  const commune = String(R.int(1, 990)).padStart(3, '0');
  const order = String(R.int(1, 999)).padStart(3, '0');
  const body = sex + yy + mm + dept + commune + order;
  const num = BigInt(body.replace('2A', '19').replace('2B', '18'));
  const key = String(97n - (num % 97n)).padStart(2, '0');
  const t = body + key;
  return { text: t, norm: t };
}

export function cpf(R, formatted = true) {
  for (;;) {
    const b = R.digits(9);
    if (/^(\d)\1+$/.test(b)) continue;
    let s = 0;
    for (let i = 0; i < 9; i++) s += (+b[i]) * (10 - i);
    const d1 = ((s * 10) % 11) % 10;
    s = 0;
    const b10 = b + d1;
    for (let i = 0; i < 10; i++) s += (+b10[i]) * (11 - i);
    const d2 = ((s * 10) % 11) % 10;
    const norm = b10 + d2;
    const text = formatted ? `${norm.slice(0, 3)}.${norm.slice(3, 6)}.${norm.slice(6, 9)}-${norm.slice(9)}` : norm;
    return { text, norm };
  }
}

// Verhoeff tables
const VD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VINV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];
export function verhoeffValid(d) {
  let c = 0;
  const a = d.split('').reverse();
  for (let i = 0; i < a.length; i++) c = VD[c][VP[i % 8][+a[i]]];
  return c === 0;
}
export function verhoeffDigit(body) {
  let c = 0;
  const a = body.split('').reverse();
  for (let i = 0; i < a.length; i++) c = VD[c][VP[(i + 1) % 8][+a[i]]];
  return VINV[c];
}
export function aadhaar(R, spaced = true) {
  const b = String(R.int(2, 9)) + R.digits(10);
  const d = b + verhoeffDigit(b);
  if (!verhoeffValid(d)) throw new Error('verhoeff bug');
  const text = spaced ? `${d.slice(0, 4)} ${d.slice(4, 8)} ${d.slice(8)}` : d;
  return { text, norm: d };
}

export function sin(R, spaced = true) {
  const first = R.pick(['1', '2', '3', '4', '5', '6', '7', '9']);
  const d = luhnComplete(first + R.digits(7));
  const text = spaced ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : d;
  return { text, norm: d };
}

// ---- credentials ----

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function awsKeyId(R) {
  const t = R.pick(['AKIA', 'ASIA']) + R.chars(16, B32);
  return { text: t, norm: t };
}

export function pemKey(R) {
  const kind = R.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
  const b64 = R.bytes(R.int(300, 900)).toString('base64');
  const lines = b64.match(/.{1,64}/g).join('\n');
  const t = `-----BEGIN ${kind}-----\n${lines}\n-----END ${kind}-----`;
  return { text: t, norm: t };
}

const b64url = (b) => Buffer.from(b).toString('base64url');
export function jwt(R) {
  const h = b64url(JSON.stringify({ alg: R.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const p = b64url(JSON.stringify({ sub: R.digits(10), iat: 1700000000 + R.int(0, 9999999), scope: 'read' }));
  const s = R.bytes(32).toString('base64url');
  const t = `${h}.${p}.${s}`;
  return { text: t, norm: t };
}

export function azureConn(R) {
  const acct = R.chars(R.int(6, 14), 'abcdefghijklmnopqrstuvwxyz0123456789');
  const key = R.bytes(64).toString('base64');   // 88 chars
  const t = `DefaultEndpointsProtocol=https;AccountName=${acct};AccountKey=${key};EndpointSuffix=core.windows.net`;
  return { text: t, norm: key };
}

export function githubToken(R) {
  const t = R.pick(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) + R.chars(36, ALNUM);
  return { text: t, norm: t };
}

export function slackToken(R) {
  const t = `${R.pick(['xoxb', 'xoxp', 'xoxa', 'xoxr'])}-${R.digits(12)}-${R.digits(13)}-${R.chars(24, ALNUM.slice(26))}`;
  return { text: t, norm: t };
}

export function password(R) {
  const t = R.chars(R.int(10, 18), ALNUM + '!#%^&*_-');
  return { text: t, norm: t };
}
