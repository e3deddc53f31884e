import { isAllowlistedHost, parseAllowlist, refusalForAddress, refusalForUrl, STRICT_POLICY } from './outbound-policy.js';

const REFUSED = ['10.1.2.3', '172.31.255.255', '192.168.1.1', '127.0.0.1', '127.8.8.8', '169.254.169.254', '100.64.0.1', '100.100.100.200', '0.0.0.0',
  '224.0.0.1', '255.255.255.255', '198.18.0.1', '::', '::1', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '::127.0.0.1', 'fe80::1', 'fd00:ec2::254',
  'fc00::1', '64:ff9b::a00:1', '2002:a00:1::', '2001::1', 'ff02::1', '3fff::1'.replace('3fff', 'e000')];
const PUBLIC = ['8.8.8.8', '93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'];

describe('outbound policy: resolved addresses', () => {
  it.each(REFUSED)('refuses %s without an allowlist', (address) => expect(refusalForAddress(address, STRICT_POLICY)).toMatch(/OUTBOUND_ALLOWLIST does not name/));
  it.each(PUBLIC)('allows the public address %s', (address) => expect(refusalForAddress(address, STRICT_POLICY)).toBeNull());
  it('allows what the allowlist names by IP, CIDR, or by the name it was resolved from', () => {
    const { policy, problems } = parseAllowlist('127.0.0.0/8, ::1 ,Pax8-Proxy.internal,10.20.0.0/16');
    expect(problems).toEqual([]);
    expect(refusalForAddress('127.0.0.1', policy)).toBeNull();
    expect(refusalForAddress('::1', policy)).toBeNull();
    expect(refusalForAddress('10.20.3.4', policy)).toBeNull();
    expect(refusalForAddress('10.21.3.4', policy)).not.toBeNull();
    expect(refusalForAddress('10.21.3.4', policy, true)).toBeNull();
    expect(isAllowlistedHost('pax8-proxy.internal', policy)).toBe(true);
  });
  it('refuses what is no IP address', () => expect(refusalForAddress('localhost', STRICT_POLICY)).toBe('not an IP address'));
});

describe('outbound policy: URLs', () => {
  const loopback = parseAllowlist('127.0.0.0/8,::1,localhost').policy;
  it('takes https to a public host or a name (checked again after DNS)', () => {
    expect(refusalForUrl('https://api.pax8.com/v1', STRICT_POLICY)).toBeNull();
    expect(refusalForUrl('https://8.8.8.8/', STRICT_POLICY)).toBeNull();
  });
  it.each(['http://api.pax8.com/v1', 'ftp://api.pax8.com/', 'file:///etc/passwd', 'gopher://x/', 'javascript://x/', 'https://user:pw@api.pax8.com/', 'not a url',
    'https://127.0.0.1/', 'https://[::1]/', 'https://2130706433/', 'https://127.1/', 'https://[::ffff:7f00:1]/', 'https://169.254.169.254/'])('refuses %s', (url) => {
    expect(refusalForUrl(url, STRICT_POLICY)).not.toBeNull();
  });
  it('lets an allowlisted host use plain http, and nothing else', () => {
    expect(refusalForUrl('http://127.0.0.1:4010/v1', loopback)).toBeNull();
    expect(refusalForUrl('http://localhost:4010/v1', loopback)).toBeNull();
    expect(refusalForUrl('http://[::1]:4010/v1', loopback)).toBeNull();
    expect(refusalForUrl('http://10.0.0.1/', loopback)).toMatch(/only https/);
    expect(refusalForUrl('https://10.0.0.1/', loopback)).toMatch(/private/);
  });
});

describe('OUTBOUND_ALLOWLIST parsing', () => {
  it.each(['10.0.0.0/33', '::1/129', 'not a host!', '10.0.0.0/8/1', 'a/b', '*.example.com'])('names %s as a problem', (entry) => {
    expect(parseAllowlist(entry).problems).toHaveLength(1);
  });
  it('takes an empty list', () => expect(parseAllowlist('').problems).toEqual([]));
});
