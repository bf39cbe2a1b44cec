// phones.js -- valid phone numbers per country, in E.164 and national formats.
//
// Each country entry makes a national significant number (NSN, no trunk
// prefix) of a valid length for a real number range (mobile or a big city's
// geographic range), and formats it the way people write it at home (with
// separators) or internationally. norm is always the E.164 digits with '+'.
import { hasCardWindow } from './ids.js';

const sp = (s, ...cuts) => {
  // split s at the given lengths and join with spaces
  const out = [];
  let i = 0;
  for (const c of cuts) { out.push(s.slice(i, i + c)); i += c; }
  if (i < s.length) out.push(s.slice(i));
  return out;
};

function nanp(R) {
  // NXX-NXX-XXXX: area and exchange start 2-9, not N11, not 555 exchange, not 37X/96X areas
  let area, exch;
  do area = `${R.int(2, 9)}${R.int(0, 8)}${R.int(0, 9)}`; while (area[1] === '1' && area[2] === '1');
  do exch = `${R.int(2, 9)}${R.digits(2)}`; while ((exch[1] === '1' && exch[2] === '1') || exch === '555');
  return area + exch + R.digits(4);
}

export const PHONE = {
  US: {
    cc: '1', nsn: nanp,
    national: (R, n) => R.pick([
      () => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
      () => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
    ])(),
    intl: (R, n) => R.pick([
      () => `+1 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      () => `+1-${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
      () => `+1${n}`,
    ])(),
  },
  GB: {
    cc: '44',
    nsn: (R) => (R.chance(0.6) ? `7${R.int(4, 9)}${R.digits(8)}` : `20${R.int(3, 8)}${R.digits(7)}`),
    national: (R, n) => (n[0] === '7' ? `0${n.slice(0, 4)} ${n.slice(4)}` : `0${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`),
    intl: (R, n) => (n[0] === '7' ? `+44 ${n.slice(0, 4)} ${n.slice(4)}` : `+44 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`),
  },
  DE: {
    cc: '49',
    nsn: (R) => (R.chance(0.6) ? `1${R.pick(['51', '52', '57', '60', '62', '70', '71', '76'])}${R.digits(8)}` : `30${R.int(2, 9)}${R.digits(7)}`),
    national: (R, n) => (n[0] === '1' ? `0${n.slice(0, 3)} ${n.slice(3)}` : `0${n.slice(0, 2)} ${n.slice(2)}`),
    intl: (R, n) => (n[0] === '1' ? `+49 ${n.slice(0, 3)} ${n.slice(3)}` : `+49 ${n.slice(0, 2)} ${n.slice(2)}`),
  },
  FR: {
    cc: '33',
    nsn: (R) => `${R.pick(['1', '4', '6', '7'])}${R.digits(8)}`,
    national: (R, n) => ['0' + n[0], ...sp(n.slice(1), 2, 2, 2, 2)].join(R.pick([' ', '.'])),
    intl: (R, n) => `+33 ${n[0]} ${sp(n.slice(1), 2, 2, 2, 2).join(' ')}`,
  },
  NL: {
    cc: '31',
    nsn: (R) => (R.chance(0.6) ? `6${R.int(1, 5)}${R.digits(7)}` : `20${R.int(2, 9)}${R.digits(6)}`),
    national: (R, n) => (n[0] === '6' ? `06-${n.slice(1)}` : `020 ${n.slice(2, 5)} ${n.slice(5)}`),
    intl: (R, n) => (n[0] === '6' ? `+31 6 ${n.slice(1)}` : `+31 20 ${n.slice(2, 5)} ${n.slice(5)}`),
  },
  IT: {
    cc: '39',
    nsn: (R) => (R.chance(0.6) ? `3${R.int(20, 49)}${R.digits(7)}` : `06${R.int(3, 9)}${R.digits(7)}`),
    national: (R, n) => (n[0] === '3' ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : `${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`),
    intl: (R, n) => (n[0] === '3' ? `+39 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : `+39 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`),
  },
  IN: {
    cc: '91',
    nsn: (R) => `${R.int(6, 9)}${R.digits(9)}`,
    national: (R, n) => `0${n.slice(0, 5)} ${n.slice(5)}`,
    intl: (R, n) => `+91 ${n.slice(0, 5)} ${n.slice(5)}`,
  },
  BR: {
    cc: '55',
    nsn: (R) => {
      const ddd = R.pick(['11', '21', '31', '41', '51', '61', '71', '81']);
      return R.chance(0.6) ? `${ddd}9${R.int(6, 9)}${R.digits(7)}` : `${ddd}${R.int(2, 5)}${R.digits(7)}`;
    },
    national: (R, n) => `(${n.slice(0, 2)}) ${n.slice(2, n.length - 4)}-${n.slice(-4)}`,
    intl: (R, n) => `+55 ${n.slice(0, 2)} ${n.slice(2, n.length - 4)} ${n.slice(-4)}`,
  },
  AU: {
    cc: '61',
    nsn: (R) => (R.chance(0.6) ? `4${R.digits(8)}` : `${R.pick(['2', '3', '7', '8'])}${R.int(3, 9)}${R.digits(7)}`),
    national: (R, n) => (n[0] === '4' ? `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : `(0${n[0]}) ${n.slice(1, 5)} ${n.slice(5)}`),
    intl: (R, n) => (n[0] === '4' ? `+61 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : `+61 ${n[0]} ${n.slice(1, 5)} ${n.slice(5)}`),
  },
  JP: {
    cc: '81',
    nsn: (R) => (R.chance(0.6) ? `${R.pick(['70', '80', '90'])}${R.int(1, 9)}${R.digits(7)}` : `3${R.int(3, 6)}${R.digits(7)}`),
    national: (R, n) => (n[0] === '3' ? `03-${n.slice(1, 5)}-${n.slice(5)}` : `0${n.slice(0, 2)}-${n.slice(2, 6)}-${n.slice(6)}`),
    intl: (R, n) => (n[0] === '3' ? `+81 3 ${n.slice(1, 5)} ${n.slice(5)}` : `+81 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`),
  },
};
PHONE.CA = { ...PHONE.US };
PHONE.ES = {
  cc: '34',
  nsn: (R) => (R.chance(0.6) ? `6${R.digits(8)}` : `91${R.int(2, 9)}${R.digits(6)}`),
  national: (R, n) => (n[0] === '6' ? `${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}` : `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`),
  intl: (R, n) => `+34 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
};

export const PHONE_COUNTRIES = Object.keys(PHONE);

// style: 'intl' (E.164 with the separators above), 'national', or 'bare'
// (digits only: labelled only where a phone-named field gives context).
export function phone(R, country, style, used) {
  const c = PHONE[country];
  for (;;) {
    const n = c.nsn(R);
    const norm = '+' + c.cc + n;
    if (used && used.has(norm)) continue;
    let text;
    if (style === 'intl') text = c.intl(R, n);
    else if (style === 'national') text = c.national(R, n);
    else text = (country === 'US' || country === 'CA' ? '' : '0') + n;
    if (hasCardWindow(text)) continue;      // keep clear of the card validator
    if (used) used.add(norm);
    return { text, norm };
  }
}
