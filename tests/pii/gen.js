// gen.js -- labelled PII test data for bleedwatch's PII engine.
//
//   node gen.js OUTDIR        (tests/pii/regen.sh runs it into tests/pii/data)
//
// Writes PII-dense CSV/TSV, JSON, NDJSON, XML, .eml, free text, key: value
// text, vCard and INI files in many locales, PII-free look-alike files, and
// OUTDIR/truth.json with the ground truth per file: per kind every
// occurrence's normalised value (count) and their set size (distinct), the
// records holding a finding, and the organisation email domains.
//
// Labels follow what the engine is specified to find (the labelling rules
// are in tests/pii/README.md): context-free kinds anywhere; bare digit phones,
// BSN, SIN, undashed SSN and unformatted CPF only in fields named for them;
// person_name only in name-like fields, e-mail display names and vCard FN;
// date_of_birth and postal_address only in fields named for them.
// Deterministic: every random choice comes from seeded PRNGs.
import fs from 'node:fs';
import path from 'node:path';
import * as F from '@faker-js/faker';
import { Doc, KINDS, csvLine, xmlEsc } from './lib/doc.js';
import * as ids from './lib/ids.js';
import { phone } from './lib/phones.js';
import * as look from './lib/lookalike.js';

const SEED = 20240601;
const REF_DATE = '2024-06-01T00:00:00Z';
const OUT = process.argv[2] || path.join(path.dirname(new URL(import.meta.url).pathname), 'data');

const LOCALES = {
  en_US: { fk: [F.en_US, F.en, F.base], cc: 'US', free: ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'icloud.com'], tlds: ['com', 'net', 'org', 'io', 'us'] },
  en_GB: { fk: [F.en_GB, F.en, F.base], cc: 'GB', free: ['gmail.com', 'hotmail.co.uk', 'yahoo.co.uk', 'outlook.com'], tlds: ['co.uk', 'com', 'org.uk', 'uk'] },
  de: { fk: [F.de, F.en, F.base], cc: 'DE', free: ['gmx.de', 'web.de', 'gmail.com', 'outlook.de'], tlds: ['de', 'com', 'eu'] },
  fr: { fk: [F.fr, F.en, F.base], cc: 'FR', free: ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com'], tlds: ['fr', 'com', 'eu'] },
  nl: { fk: [F.nl, F.en, F.base], cc: 'NL', free: ['gmail.com', 'hotmail.nl', 'outlook.com'], tlds: ['nl', 'com', 'eu'] },
  es: { fk: [F.es, F.en, F.base], cc: 'ES', free: ['gmail.com', 'hotmail.es', 'yahoo.es'], tlds: ['es', 'com'] },
  it: { fk: [F.it, F.en, F.base], cc: 'IT', free: ['libero.it', 'gmail.com', 'yahoo.it'], tlds: ['it', 'com', 'eu'] },
  pt_BR: { fk: [F.pt_BR, F.en, F.base], cc: 'BR', free: ['gmail.com', 'hotmail.com', 'yahoo.com.br'], tlds: ['com.br', 'com'] },
  en_IN: { fk: [F.en_IN, F.en, F.base], cc: 'IN', free: ['gmail.com', 'yahoo.in', 'outlook.com'], tlds: ['in', 'co.in', 'com'] },
  en_AU: { fk: [F.en_AU, F.en, F.base], cc: 'AU', free: ['gmail.com', 'outlook.com', 'yahoo.com.au'], tlds: ['com.au', 'net.au', 'com'] },
  ja: { fk: [F.ja, F.en, F.base], cc: 'JP', free: ['gmail.com', 'icloud.com'], tlds: ['jp', 'co.jp', 'com'] },
  en_CA: { fk: [F.en_CA, F.en, F.base], cc: 'CA', free: ['gmail.com', 'hotmail.com', 'outlook.com'], tlds: ['ca', 'com'] },
};

let fileNo = 0;
const truth = { generator: 'tests/pii/gen.js', seed: SEED, faker: '10.6.0', files: {} };

// ---- per-file context: seeded faker + PRNG, companies, people ----

const NAME_RE = /^\p{L}[\p{L}\p{M} .'-]*\p{L}\.?$/u;

function slug(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function context(locale) {
  fileNo++;
  const L = LOCALES[locale];
  const fk = new F.Faker({ locale: L.fk });
  fk.seed(SEED + fileNo * 7919);
  fk.setDefaultRefDate(REF_DATE);
  const R = ids.makeRng(SEED ^ (fileNo * 2654435761));
  const ctx = { locale, L, fk, R, used: new Set(), people: [] };
  // a pool of companies, each with its own e-mail domain
  ctx.companies = [];
  const seenDom = new Set();
  while (ctx.companies.length < 25) {
    const name = fk.company.name();
    let base = slug(name.split(/[\s,&]+/).find((w) => slug(w).length >= 3) || '');
    if (base.length < 3) base = R.chars(R.int(5, 9), 'abcdefghijklmnopqrstuvwxyz');
    base = base.slice(0, 18);
    const dom = `${base}${R.chance(0.3) ? '-' + R.pick(['group', 'corp', 'labs', 'partners']) : ''}.${R.pick(L.tlds)}`;
    if (seenDom.has(dom)) continue;
    seenDom.add(dom);
    ctx.companies.push({ name, domain: dom });
  }
  return ctx;
}

function personName(ctx) {
  for (;;) {
    const first = ctx.fk.person.firstName();
    const last = ctx.fk.person.lastName();
    const full = ctx.locale === 'ja' ? `${last} ${first}` : `${first} ${last}`;
    if (NAME_RE.test(first) && NAME_RE.test(last) && NAME_RE.test(full)) return { first, last, full };
  }
}

const normName = (s) => s.trim().replace(/\s+/g, ' ').toLowerCase();
const nv = (text, norm) => ({ text, norm });

function makePerson(ctx) {
  const { R, L } = ctx;
  const n = personName(ctx);
  const company = R.pick(ctx.companies);
  let lf = slug(n.first), ll = slug(n.last);
  if (!lf) lf = R.chars(R.int(4, 8), 'abcdefghijklmnopqrstuvwxyz');
  if (!ll) ll = R.chars(R.int(4, 8), 'abcdefghijklmnopqrstuvwxyz');
  const local = R.pick([
    () => `${lf}.${ll}`, () => `${lf[0]}${ll}`, () => `${lf}${ll}${R.int(1, 99)}`,
    () => `${lf}_${ll}`, () => `${lf}.${ll}+${R.pick(['news', 'shop', 'work'])}`,
  ])();
  const work = R.chance(0.55);
  const domain = work ? company.domain : R.pick(L.free);
  const email = `${local}@${domain}`;
  return { ...n, company, email };
}

function address(ctx) {
  const { fk, locale } = ctx;
  const street = fk.location.streetAddress(false);
  const city = fk.location.city();
  const zip = fk.location.zipCode();
  let t;
  if (locale === 'en_US') t = `${street}, ${city}, ${fk.location.state({ abbreviated: true })} ${zip}`;
  else if (locale === 'en_GB' || locale === 'en_IN') t = `${street}, ${city} ${zip}`;
  else if (locale === 'en_AU') t = `${street}, ${city} ${fk.location.state({ abbreviated: true })} ${zip}`;
  else if (locale === 'en_CA') t = `${street}, ${city}, ${fk.location.state({ abbreviated: true })} ${zip}`;
  else if (locale === 'ja') t = `〒${zip} ${fk.location.state()}${city}${street}`;
  else t = `${street}, ${zip} ${city}`;
  return nv(t, normName(t));
}

function dob(ctx, fmt) {
  const d = ctx.fk.date.birthdate({ mode: 'age', min: 18, max: 90 });
  const Y = String(d.getUTCFullYear()), M = String(d.getUTCMonth() + 1).padStart(2, '0');
  const D = String(d.getUTCDate()).padStart(2, '0');
  const iso = `${Y}-${M}-${D}`;
  const t = { iso, dmy: `${D}/${M}/${Y}`, mdy: `${M}/${D}/${Y}`, dotted: `${D}.${M}.${Y}` }[fmt];
  return nv(t, iso);
}

// ---- field kinds: each returns [kind|null, {text, norm}|plain] ----

const K = {
  name: (c, p) => ['person_name', nv(p.full, normName(p.full))],
  first: (c, p) => ['person_name', nv(p.first, normName(p.first))],
  last: (c, p) => ['person_name', nv(p.last, normName(p.last))],
  email: (c, p) => ['email', nv(p.email, p.email.toLowerCase())],
  phone: (style, cc) => (c) => ['phone', phone(c.R, cc || c.L.cc, style, c.used)],
  address: (c) => ['postal_address', address(c)],
  dob: (fmt) => (c) => ['date_of_birth', dob(c, fmt)],
  ssn: (dashed) => (c) => ['national_id', ids.ssn(c.R, dashed)],
  nino: (c) => ['national_id', ids.nino(c.R, c.R.chance(0.5))],
  bsn: (c) => ['national_id', ids.bsn(c.R)],
  dni: (c) => ['national_id', c.R.chance(0.7) ? ids.dni(c.R) : ids.nie(c.R)],
  cf: (c) => ['national_id', ids.codiceFiscale(c.R)],
  nir: (c) => ['national_id', ids.nir(c.R)],
  cpf: (fmt) => (c) => ['national_id', ids.cpf(c.R, fmt)],
  aadhaar: (spaced) => (c) => ['national_id', ids.aadhaar(c.R, spaced)],
  sin: (c) => ['national_id', ids.sin(c.R, c.R.chance(0.5))],
  card: (c) => ['payment_card', ids.card(c.R)],
  iban: (cc, spaced) => (c) => ['iban', ids.iban(c.R, cc || c.L.cc, spaced === undefined ? c.R.chance(0.5) : spaced)],
  password: (c) => ['credential', ids.password(c.R)],
  company: (c, p) => [null, p.company.name],
  uuid: (c) => [null, look.uuid(c.R)],
  created: (c) => [null, look.isoTime(c.R)],
  orderId: (c) => [null, look.orderId(c.R)],
  amount: (c) => [null, look.amount(c.R)],
  ip: (c) => [null, look.ipv4(c.R)],
};

// Make one row (array of [key, kind, value]) for a field list. Rows are kept
// so later rows can repeat a customer exactly (distinct < count).
function makeRow(ctx, fields, i) {
  const p = makePerson(ctx);
  return fields.map(([key, f]) => {
    if (f === 'id') return [key, null, String(1000 + i)];
    const [kind, v] = f(ctx, p);
    return [key, kind, v];
  });
}

function rows(ctx, fields, n, dupRate = 0.12) {
  const out = [];
  for (let i = 0; i < n; i++) {
    if (out.length > 5 && ctx.R.chance(dupRate)) {
      // a returning customer: same labelled values (email case may differ)
      const prev = ctx.R.pick(out);
      out.push(prev.map(([k, kind, v], j) => {
        if (fields[j][1] === 'id') return [k, null, String(1000 + i)];
        if (kind === 'email' && ctx.R.chance(0.3))
          return [k, kind, nv(v.text.replace(/(^|[.@_])([a-z])/g, (m, a, b) => a + b.toUpperCase()), v.norm)];
        return [k, kind, v];
      }));
    } else {
      out.push(makeRow(ctx, fields, i));
    }
  }
  return out;
}

function emitCell(doc, kind, v) { return kind ? doc.add(kind, v) : String(v); }

// ---- writers with labels ----

function writeFile(doc, body) {
  fs.writeFileSync(path.join(OUT, doc.name), body);
  truth.files[doc.name] = doc.truth();
}

function csvDoc(name, locale, fields, n, delim = ',', opts = {}) {
  const ctx = context(locale);
  const doc = new Doc(name, 'csv', { locale, note: opts.note });
  let s = csvLine(fields.map(([k]) => k), delim);
  for (const row of rows(ctx, fields, n)) {
    doc.begin();
    s += csvLine(row.map(([, kind, v]) => emitCell(doc, kind, v)), delim);
    doc.end();
  }
  writeFile(doc, s);
}

function jsonDoc(name, locale, fields, n, opts = {}) {
  const ctx = context(locale);
  const doc = new Doc(name, opts.ndjson ? 'ndjson' : 'json', { locale, note: opts.note });
  const objs = [];
  for (const row of rows(ctx, fields, n)) {
    doc.begin();
    const o = {};
    for (const [k, kind, v] of row) {
      const val = emitCell(doc, kind, v);
      // dotted keys make nested objects: "user.name" -> {"user": {"name": ...}}
      const parts = k.split('.');
      let t = o;
      for (const q of parts.slice(0, -1)) t = t[q] || (t[q] = {});
      t[parts[parts.length - 1]] = val;
    }
    doc.end();
    objs.push(o);
  }
  const body = opts.ndjson
    ? objs.map((o) => JSON.stringify(o)).join('\n') + '\n'
    : (opts.compact ? JSON.stringify(objs) : JSON.stringify(objs, null, 2)) + '\n';
  writeFile(doc, body);
}

function xmlDoc(name, locale, root, elem, fields, n) {
  const ctx = context(locale);
  const doc = new Doc(name, 'xml', { locale });
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n`;
  for (const row of rows(ctx, fields, n)) {
    doc.begin();
    const id = row.find(([k]) => k === 'id');
    s += `  <${elem}${id ? ` id="${id[2]}"` : ''}>\n`;
    for (const [k, kind, v] of row) {
      if (k === 'id') continue;
      s += `    <${k}>${xmlEsc(emitCell(doc, kind, v))}</${k}>\n`;
    }
    s += `  </${elem}>\n`;
    doc.end();
  }
  s += `</${root}>\n`;
  writeFile(doc, s);
}

// ---- e-mail messages ----

const RFC_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RFC_MONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function rfcDate(R) {
  const d = new Date(Date.UTC(2024, R.int(0, 4), R.int(1, 28), R.int(6, 20), R.int(0, 59), R.int(0, 59)));
  const tz = R.pick(['+0000', '+0100', '+0200', '-0500', '-0800', '+0530', '+0900']);
  const p2 = (x) => String(x).padStart(2, '0');
  return `${RFC_DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${RFC_MONS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${tz}`;
}

const SUBJECTS = ['Invoice for March', 'Re: contract renewal', 'Your order has shipped', 'Meeting notes',
  'Payroll update', 'Quarterly figures', 'Re: Re: delivery delay', 'Onboarding documents'];
const BODY_LINES = [
  'Please find the details below and let me know if anything is missing.',
  'Thanks for the quick reply yesterday, much appreciated.',
  'We reviewed the proposal with the team and have a few comments.',
  'The shipment left the warehouse on 2024-03-02 and should arrive within 5 working days.',
  'Version 2.4.1 of the portal went live at 09:30, tickets 4812 and 4813 are closed.',
  'The total comes to 1,249.90 EUR including VAT of 19%.',
];

// A display name is safe unquoted when it is atoms only (letters, spaces, - ').
const atomName = (s) => /^[\p{L}' -]+$/u.test(s);

// Write one RFC 5322 message into doc's labels; returns its text (CRLF).
// Addresses and display names count as email and person_name.
function message(doc, ctx, msgNo) {
  const { R } = ctx;
  const addr = (p) => {
    const e = doc.add('email', nv(p.email, p.email.toLowerCase()));
    if (R.chance(0.15)) return e;
    let dn = p.full;
    if (!atomName(dn)) return e;
    doc.add('person_name', nv(dn, normName(dn)));
    return R.chance(0.5) ? `"${dn}" <${e}>` : `${dn} <${e}>`;
  };
  const from = makePerson(ctx);
  const tos = Array.from({ length: R.int(1, 3) }, () => makePerson(ctx));
  const ccs = R.chance(0.4) ? [makePerson(ctx)] : [];
  doc.add('email_message', nv(`message ${msgNo}`, `${doc.name}#${msgNo}`));
  const h = [];
  h.push(`From: ${addr(from)}`);
  h.push(`To: ${tos.map(addr).join(', ')}`);
  if (ccs.length) h.push(`Cc: ${ccs.map(addr).join(', ')}`);
  h.push(`Subject: ${R.pick(SUBJECTS)}`);
  h.push(`Date: ${rfcDate(R)}`);
  h.push('MIME-Version: 1.0');
  h.push('Content-Type: text/plain; charset=utf-8');
  h.push('Content-Transfer-Encoding: 8bit');
  const body = [];
  body.push(`Hello ${tos[0].first},`, '');
  for (let i = 0; i < R.int(2, 4); i++) body.push(R.pick(BODY_LINES));
  if (R.chance(0.5)) {
    const billing = `billing@${from.company.domain}`;
    body.push(`You can also write to ${doc.add('email', nv(billing, billing))} for invoices.`);
  }
  if (R.chance(0.5)) body.push(`Payment goes to ${doc.add('iban', ids.iban(R, R.pick(ids.IBAN_COUNTRIES), true))} as usual.`);
  body.push('', 'Best regards,', from.full, from.company.name);
  body.push(`Mobile ${doc.add('phone', phone(R, ctx.L.cc, 'intl', ctx.used))}`);
  return h.join('\r\n') + '\r\n\r\n' + body.join('\r\n') + '\r\n';
}

function emlDoc(name, locale) {
  const ctx = context(locale);
  const doc = new Doc(name, 'eml', { locale });
  doc.begin();
  const text = message(doc, ctx, 1);
  doc.end();
  writeFile(doc, text);
}

function mailboxDoc(name, locale, n) {
  const ctx = context(locale);
  const doc = new Doc(name, 'json', { locale, note: 'RFC 5322 messages inside a JSON field (the BlueBleed shape)' });
  const objs = [];
  for (let i = 0; i < n; i++) {
    doc.begin();
    const owner = makePerson(ctx);
    const mailbox = doc.add('email', nv(owner.email, owner.email.toLowerCase()));
    const raw = message(doc, ctx, i + 1);
    objs.push({ id: look.uuid(ctx.R), mailbox, folder: ctx.R.pick(['Inbox', 'Sent', 'Archive']), size: raw.length, raw });
    doc.end();
  }
  writeFile(doc, JSON.stringify(objs, null, 1) + '\n');
}

// ---- free text ----

function textDoc(name, locale, n, templates, filler, opts = {}) {
  const ctx = context(locale);
  const doc = new Doc(name, 'text', { locale, note: opts.note || 'records = lines with a finding (informational)' });
  const lines = [];
  for (let i = 0; i < n; i++) {
    doc.begin();
    if (ctx.R.chance(0.3)) lines.push(ctx.R.pick(filler)(ctx));
    else lines.push(ctx.R.pick(templates)(doc, ctx));
    doc.end();
  }
  writeFile(doc, lines.join('\n') + '\n');
}

const EN_TEMPLATES = [
  (d, c) => `Customer asked us to update the contact email to ${d.add('email', K.email(c, makePerson(c))[1])} before Friday.`,
  (d, c) => `Called back on ${d.add('phone', phone(c.R, c.R.pick(['US', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'IN', 'BR', 'AU', 'JP']), 'intl', c.used))}, no answer, left a voicemail.`,
  (d, c) => `Refund issued to card ${d.add('payment_card', ids.card(c.R))} after the duplicate charge.`,
  (d, c) => `Please wire the deposit to ${d.add('iban', ids.iban(c.R, c.R.pick(ids.IBAN_COUNTRIES), c.R.chance(0.5)))} and quote the invoice number.`,
  (d, c) => `Verified identity with SSN ${d.add('national_id', ids.ssn(c.R, true))} and matched the file.`,
  (d, c) => `UK contractor with National Insurance number ${d.add('national_id', ids.nino(c.R, c.R.chance(0.5)))} added to payroll.`,
  (d, c) => `Spanish tax id ${d.add('national_id', c.R.chance(0.5) ? ids.dni(c.R) : ids.nie(c.R))} confirmed by the notary.`,
  (d, c) => `Codice fiscale ${d.add('national_id', ids.codiceFiscale(c.R))} received from the Milan office.`,
  (d, c) => `CPF ${d.add('national_id', ids.cpf(c.R, true))} registered for the Brazilian subsidiary.`,
  (d, c) => `Aadhaar ${d.add('national_id', ids.aadhaar(c.R, true))} was provided for the KYC check.`,
  (d, c) => {
    const p = makePerson(c);
    return `Forwarded the complaint from ${d.add('email', K.email(c, p)[1])} to the team; they will call ${d.add('phone', phone(c.R, 'US', 'national', c.used))} tomorrow.`;
  },
];

const EN_FILLER = [
  (c) => `Meeting moved to 2024-03-${String(c.R.int(10, 28))} at 10:30 in room 4.2, budget ${look.amount(c.R)} EUR.`,
  (c) => `Build ${look.version(c.R)} deployed to ${look.ipv4(c.R)} at 12:${String(c.R.int(10, 59))}:33 without errors.`,
  (c) => `Ticket #${c.R.int(10000, 99999)} closed; order ${look.orderId(c.R)} shipped with tracking ${look.tracking(c.R)}.`,
  (c) => `Request ${look.uuid(c.R)} took ${c.R.int(5, 900)} ms, checksum ${look.sha256(c.R).slice(0, 16)}.`,
  (c) => c.fk.lorem.sentence(),
];

const DE_TEMPLATES = [
  (d, c) => `Bitte rufen Sie mich unter ${d.add('phone', phone(c.R, 'DE', 'national', c.used))} zurück.`,
  (d, c) => `Die Überweisung geht an ${d.add('iban', ids.iban(c.R, 'DE', true))}, Verwendungszweck Rechnung ${c.R.int(1000, 9999)}.`,
  (d, c) => `Meine neue E-Mail lautet ${d.add('email', K.email(c, makePerson(c))[1])}, die alte bitte löschen.`,
  (d, c) => `Erreichbar auch mobil unter ${d.add('phone', phone(c.R, 'DE', 'intl', c.used))} ab 18 Uhr.`,
];
const DE_FILLER = [
  (c) => `Lieferung ${look.orderId(c.R)} wurde am ${String(c.R.int(10, 28))}.03.2024 um 14:05 zugestellt.`,
  (c) => `Preis ${c.R.int(1, 999)},${String(c.R.int(0, 99)).padStart(2, '0')} € inkl. MwSt, Artikelnummer ${look.sku(c.R)}.`,
  (c) => c.fk.lorem.sentence(),
];

// key: value blocks, one profile per block (the text tokenizer gives context)
function profilesDoc(name, locale, n) {
  const ctx = context(locale);
  const doc = new Doc(name, 'text', { locale, note: 'key: value profiles; records informational' });
  let s = '';
  for (let i = 0; i < n; i++) {
    doc.begin();
    const p = makePerson(ctx);
    s += `name: ${doc.add('person_name', K.name(ctx, p)[1])}\n`;
    s += `email: ${doc.add('email', K.email(ctx, p)[1])}\n`;
    s += `phone: ${doc.add('phone', phone(ctx.R, ctx.L.cc, 'bare', ctx.used))}\n`;
    s += `dob: ${doc.add('date_of_birth', dob(ctx, 'dmy'))}\n`;
    s += `address: ${doc.add('postal_address', address(ctx))}\n`;
    s += `member_since: ${look.isoTime(ctx.R).slice(0, 10)}\n\n`;
    doc.end();
  }
  writeFile(doc, s);
}

function vcardDoc(name, locale, n) {
  const ctx = context(locale);
  const doc = new Doc(name, 'text', { locale, note: 'vCard 3.0; FN is a person_name' });
  let s = '';
  for (let i = 0; i < n; i++) {
    doc.begin();
    const p = makePerson(ctx);
    s += 'BEGIN:VCARD\r\nVERSION:3.0\r\n';
    s += `FN:${doc.add('person_name', K.name(ctx, p)[1])}\r\n`;
    s += `ORG:${p.company.name.replace(/[,;]/g, ' ')}\r\n`;
    s += `TEL;TYPE=CELL:${doc.add('phone', phone(ctx.R, ctx.L.cc, 'intl', ctx.used))}\r\n`;
    s += `EMAIL;TYPE=INTERNET:${doc.add('email', K.email(ctx, p)[1])}\r\n`;
    s += `REV:${look.isoTime(ctx.R)}\r\nEND:VCARD\r\n`;
    doc.end();
  }
  writeFile(doc, s);
}

function iniDoc(name, n) {
  const ctx = context('en_US');
  const { R } = ctx;
  const doc = new Doc(name, 'text', { note: 'INI: each credential once; password fields count' });
  let s = '# service credentials (synthetic)\n';
  for (let i = 0; i < n; i++) {
    doc.begin();
    s += `\n[service_${i}]\nhost = db${i}.internal.example\nport = ${R.int(1024, 65535)}\nlogin = svc_${R.chars(6, 'abcdefghijklmnopqrstuvwxyz')}\n`;
    s += `password = ${doc.add('credential', ids.password(R))}\n`;
    const pick = R.int(0, 5);
    if (pick === 0) s += `aws_access_key_id = ${doc.add('credential', ids.awsKeyId(R))}\n`;
    if (pick === 1) s += `github_token = ${doc.add('credential', ids.githubToken(R))}\n`;
    if (pick === 2) s += `slack_token = ${doc.add('credential', ids.slackToken(R))}\n`;
    if (pick === 3) s += `connection_string = ${doc.add('credential', ids.azureConn(R))}\n`;
    if (pick === 4) s += `session = ${doc.add('credential', ids.jwt(R))}\n`;
    if (pick === 5) s += `private_key_file_contents =\n${doc.add('credential', ids.pemKey(R))}\n`;
    s += `timeout_ms = ${R.int(100, 30000)}\nbuild = ${look.version(R)}\n`;
    doc.end();
  }
  writeFile(doc, s);
}

function credJsonDoc(name, n) {
  const ctx = context('en_US');
  const { R } = ctx;
  const doc = new Doc(name, 'json', { note: 'credentials in JSON fields' });
  const objs = [];
  for (let i = 0; i < n; i++) {
    doc.begin();
    const o = { service: `svc-${i}`, id: look.uuid(R), login: `svc_${R.chars(6, 'abcdefghijklmnopqrstuvwxyz')}` };
    o.password = doc.add('credential', ids.password(R));
    o.aws_access_key_id = doc.add('credential', ids.awsKeyId(R));
    if (R.chance(0.5)) o.token = doc.add('credential', R.chance(0.5) ? ids.githubToken(R) : ids.slackToken(R));
    if (R.chance(0.4)) o.jwt = doc.add('credential', ids.jwt(R));
    if (R.chance(0.3)) o.private_key = doc.add('credential', ids.pemKey(R)) + '\n';
    if (R.chance(0.3)) o.storage = doc.add('credential', ids.azureConn(R));
    o.rotated_at = look.isoTime(R);
    objs.push(o);
    doc.end();
  }
  writeFile(doc, JSON.stringify(objs, null, 2) + '\n');
}

function ordersDoc(name, locale, n) {
  const ctx = context(locale);
  const { R } = ctx;
  const doc = new Doc(name, 'json', { locale, note: 'nested objects; the order is the record' });
  const objs = [];
  for (let i = 0; i < n; i++) {
    doc.begin();
    const p = makePerson(ctx);
    const o = {
      order_id: look.orderId(R), placed_at: look.isoTime(R),
      customer: {
        name: doc.add('person_name', K.name(ctx, p)[1]),
        email: doc.add('email', K.email(ctx, p)[1]),
        phone: doc.add('phone', phone(R, 'FR', 'intl', ctx.used)),
      },
      shipping: { address: doc.add('postal_address', address(ctx)), carrier: 'colissimo', tracking: look.tracking(R) },
      items: Array.from({ length: R.int(1, 4) }, () => ({ sku: look.sku(R), qty: R.int(1, 5), price: +look.amount(R).replace(/,/g, '') })),
      payment: R.chance(0.7) ? { method: 'card', card_number: doc.add('payment_card', ids.card(R)) }
                             : { method: 'transfer', iban: doc.add('iban', ids.iban(R, 'FR', true)) },
      total: +look.amount(R).replace(/,/g, ''),
    };
    objs.push(o);
    doc.end();
  }
  writeFile(doc, JSON.stringify(objs, null, 2) + '\n');
}

// ---- look-alike (PII-free) files ----

function lookDoc(name, type, body) {
  const doc = new Doc(name, type, { lookalike: true, note: 'PII-free look-alikes' });
  writeFile(doc, body);
}

// ---- the corpus ----

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) fs.unlinkSync(path.join(OUT, f));
  const P = K.phone;

  csvDoc('customers_en_US.csv', 'en_US', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['dob', K.dob('mdy')], ['ssn', K.ssn(true)], ['card_number', K.card], ['company', K.company],
    ['created_at', K.created]], 300);
  csvDoc('customers_en_GB.csv', 'en_GB', [['customer_id', 'id'], ['full_name', K.name], ['email', K.email],
    ['mobile', P('national')], ['address', K.address], ['date_of_birth', K.dob('dmy')], ['nino', K.nino],
    ['iban', K.iban('GB')], ['company', K.company]], 250);
  csvDoc('kunden_de.csv', 'de', [['kundennr', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['birthday', K.dob('dotted')], ['iban', K.iban('DE', true)], ['company', K.company]], 250, ';');
  csvDoc('clients_fr.csv', 'fr', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['dob', K.dob('dmy')], ['nir', K.nir], ['iban', K.iban('FR')], ['company', K.company]], 200);
  csvDoc('klanten_nl.tsv', 'nl', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['bsn', K.bsn], ['iban', K.iban('NL', false)], ['dob', K.dob('iso')]], 200, '\t');
  csvDoc('clientes_es.csv', 'es', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['dni', K.dni], ['iban', K.iban('ES', true)], ['amount', K.amount]], 200);
  csvDoc('clienti_it.csv', 'it', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['codice_fiscale', K.cf], ['iban', K.iban('IT')], ['created_at', K.created]], 200);
  csvDoc('clientes_pt_BR.csv', 'pt_BR', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['cpf', K.cpf(true)], ['dob', K.dob('dmy')]], 200);
  csvDoc('customers_en_IN.csv', 'en_IN', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('intl')],
    ['address', K.address], ['aadhaar', K.aadhaar(true)], ['dob', K.dob('iso')]], 200);
  csvDoc('customers_en_AU.csv', 'en_AU', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['card_number', K.card], ['order_id', K.orderId]], 200, '|');
  csvDoc('customers_ja.csv', 'ja', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('national')],
    ['address', K.address], ['dob', K.dob('iso')]], 200);
  csvDoc('customers_en_CA.csv', 'en_CA', [['id', 'id'], ['name', K.name], ['email', K.email], ['phone', P('bare')],
    ['sin', K.sin], ['address', K.address], ['last_ip', K.ip]], 200);

  jsonDoc('users_en_US.json', 'en_US', [['id', 'id'], ['uuid', K.uuid], ['name', K.name], ['email', K.email],
    ['phone', P('intl')], ['ssn', K.ssn(false)], ['card_number', K.card], ['password', K.password],
    ['address', K.address], ['dob', K.dob('iso')], ['company', K.company], ['created_at', K.created],
    ['last_login_ip', K.ip]], 250);
  jsonDoc('accounts_split_de.json', 'de', [['id', 'id'], ['firstName', K.first], ['lastName', K.last],
    ['email', K.email], ['mobile', P('bare')], ['iban', K.iban('DE')], ['birthdate', K.dob('iso')]], 200,
  { compact: true, note: 'first/last name fields: each counts as one person_name' });
  ordersDoc('orders_fr.json', 'fr', 200);
  mailboxDoc('mailbox_en_US.json', 'en_US', 60);
  credJsonDoc('credentials.json', 40);

  jsonDoc('events_nl.ndjson', 'nl', [['ts', K.created], ['event', (c) => [null, c.R.pick(['login', 'update', 'export'])]],
    ['user.name', K.name], ['user.email', K.email], ['phone', P('intl')], ['iban', K.iban('NL', true)], ['ip', K.ip]], 300,
  { ndjson: true });
  jsonDoc('signups_es.ndjson', 'es', [['ts', K.created], ['name', K.name], ['email', K.email], ['phone', P('intl')],
    ['dni', K.dni], ['address', K.address]], 300, { ndjson: true });

  xmlDoc('customers_it.xml', 'it', 'customers', 'customer', [['id', 'id'], ['name', K.name], ['email', K.email],
    ['phone', P('national')], ['address', K.address], ['codice_fiscale', K.cf], ['iban', K.iban('IT', true)]], 200);
  xmlDoc('patients_en_GB.xml', 'en_GB', 'patients', 'patient', [['id', 'id'], ['full_name', K.name], ['dob', K.dob('dmy')],
    ['nino', K.nino], ['phone', P('intl')], ['email', K.email], ['address', K.address]], 200);

  const emlLocales = ['en_US', 'de', 'fr', 'nl', 'en_GB', 'es', 'it', 'pt_BR'];
  emlLocales.forEach((loc, i) => emlDoc(`msg_${String(i + 1).padStart(2, '0')}_${loc}.eml`, loc));

  textDoc('notes_en_US.txt', 'en_US', 400, EN_TEMPLATES, EN_FILLER);
  textDoc('tickets_de.txt', 'de', 300, DE_TEMPLATES, DE_FILLER);
  profilesDoc('profiles_en_AU.txt', 'en_AU', 150);
  vcardDoc('contacts_fr.vcf', 'fr', 150);
  iniDoc('services.ini', 60);

  const lc = context('en_US');
  lookDoc('lookalike_orders.csv', 'csv', look.ordersCsv(lc.R, 900));
  lookDoc('lookalike_catalog.json', 'json', look.catalogJson(lc.R, 400));
  lookDoc('lookalike_access.log', 'text', look.accessLog(lc.R, 1500));
  lookDoc('lookalike_bundle.min.js', 'text', look.minifiedJs(lc.R, 200 * 1024));
  lookDoc('lookalike_base64.txt', 'text', look.base64Blob(lc.R, 150 * 1024));
  lookDoc('lookalike_random.bin', 'bin', lc.R.bytes(256 * 1024));
  lookDoc('lookalike_metrics.ndjson', 'ndjson', look.metricsNdjson(lc.R, 1200));
  lookDoc('lookalike_feed.xml', 'xml', look.feedXml(lc.R, 400));
  lookDoc('lookalike_testlog.txt', 'text', look.testLog(lc.R, 400));

  fs.writeFileSync(path.join(OUT, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
  // a one-line-per-file summary on stderr for the person regenerating
  for (const [f, t] of Object.entries(truth.files)) {
    const ks = KINDS.filter((k) => t.kinds[k]).map((k) => `${k}=${t.kinds[k].count}/${t.kinds[k].distinct}`);
    process.stderr.write(`${f.padEnd(28)} rec=${t.records} org=${t.organizations} ${ks.join(' ')}\n`);
  }
}

main();
