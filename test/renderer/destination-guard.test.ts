// The destination guard: address classification, and refusal before any connection, for IP
// literals (checked before a socket exists) and host names (checked in the DNS lookup).
import { captureLogs, type CapturedLogs } from './helpers/logs';
import { json, startHttpServer, type TestServer } from './helpers/servers';
import { readConfig } from '../../lambda-src/renderer/config';
import { assertAllowedHost, isPublicAddress } from '../../lambda-src/renderer/destination-guard';
import { closeHttpAgent, handler, resetRendererConfig } from '../../lambda-src/renderer/index';

describe('isPublicAddress', () => {
  test.each([
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.0.9', '169.254.169.254',
    '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.2.10', '198.18.0.1', '224.0.0.1', '255.255.255.255',
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '::ffff:8.8.8.8', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::a00:1', '2002:c0a8:101::1', '2001:db8::1', 'not-an-ip', '',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  test.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '64:ff9b::808:808'])(
    '%s is public', (address) => {
      expect(isPublicAddress(address)).toBe(true);
    });
});

describe('assertAllowedHost', () => {
  const config = readConfig({ ALLOWED_HOSTS: 'api.example.com, *.trusted.dev' });
  test.each(['api.example.com', 'API.Example.com', 'a.trusted.dev', 'x.y.trusted.dev'])('%s is allowed', (host) => {
    expect(() => assertAllowedHost(host, config)).not.toThrow();
  });
  test.each(['example.com', 'api.example.com.evil.io', 'trusted.dev', 'eviltrusted.dev'])('%s is refused', (host) => {
    expect(() => assertAllowedHost(host, config)).toThrow(expect.objectContaining({ name: 'BlockedDestinationError' }));
  });
  test('no allow-list allows any host', () => {
    expect(() => assertAllowedHost('anything.example', readConfig({}))).not.toThrow();
  });
});

describe('the handler refuses non-public destinations without connecting', () => {
  let api: TestServer;
  let logs: CapturedLogs;

  beforeEach(async () => {
    delete process.env.ALLOW_PRIVATE_NETWORKS;
    resetRendererConfig();
    logs = captureLogs();
    api = await startHttpServer(json(200, { reached: true }));
  });

  afterEach(async () => {
    logs.restore();
    delete process.env.ALLOW_PRIVATE_NETWORKS;
    delete process.env.ALLOWED_HOSTS;
    resetRendererConfig();
    await api.close();
    await closeHttpAgent();
  });

  const blocked = (url: string) => expect(handler({ template: { SK: 'GET', url }, params: {} }))
    .rejects.toMatchObject({ name: 'BlockedDestinationError' });

  test('an IPv4 loopback literal', async () => {
    await blocked(`${api.url}/x`);
    expect(api.connections()).toBe(0);
  });

  test('a host name resolving to loopback (checked in the lookup)', async () => {
    await blocked(`http://localhost:${api.port}/x`);
    expect(api.connections()).toBe(0);
  });

  test('the instance metadata address', async () => {
    await blocked('http://169.254.169.254/latest/meta-data/');
  });

  test('an IPv6 loopback literal', async () => {
    await blocked(`http://[::1]:${api.port}/`);
    expect(api.connections()).toBe(0);
  });

  test('an IPv4-mapped IPv6 address', async () => {
    await blocked(`http://[::ffff:127.0.0.1]:${api.port}/`);
    expect(api.connections()).toBe(0);
  });

  test('0.0.0.0', async () => {
    await blocked(`http://0.0.0.0:${api.port}/`);
    expect(api.connections()).toBe(0);
  });

  test('a host outside ALLOWED_HOSTS, even when private networks are allowed', async () => {
    process.env.ALLOW_PRIVATE_NETWORKS = 'true';
    process.env.ALLOWED_HOSTS = 'api.example.com';
    resetRendererConfig();
    await blocked(`${api.url}/`);
    expect(api.connections()).toBe(0);
  });

  test('ALLOW_PRIVATE_NETWORKS=true lets the same calls through', async () => {
    process.env.ALLOW_PRIVATE_NETWORKS = 'true';
    resetRendererConfig();
    await expect(handler({ template: { SK: 'GET', url: `http://localhost:${api.port}/` }, params: {} })).resolves.toMatchObject({ body: { reached: true } });
    expect(api.connections()).toBe(1);
  });
});
