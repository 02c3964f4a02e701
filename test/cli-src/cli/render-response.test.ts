// `templated-api-caller render --response-file`: what a template's response mapping and
// pagination make of a sample response, rendered by the renderer's own code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../cli-src/cli';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: l => out.push(l), err: l => err.push(l), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tac-render-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

const TEMPLATE = `name: list-users
method: GET
url: https://api.example.com/users?team={{ team }}
response: '{"team": {{ team | tojson }}, "count": {{ response.body.items | length }}}'
pagination:
  items: '{{ response.body.users | tojson }}'
  next: "{{ (response.headers.link | link_header).next | default('') }}"
  maxPages: 5
`;

const SAMPLE = JSON.stringify({
  status: 200,
  headers: { Link: '<https://api.example.com/users?team=a&page=2>; rel="next"' },
  body: { users: [{ id: 1 }, { id: 2 }] },
});

test('prints the request, then the page\'s items, the next URL and the mapped body', async () => {
  const result = await cli('render', file('t.yaml', TEMPLATE), '--params', '{"team":"a"}', '--response-file', file('r.json', SAMPLE), '--json');
  expect(result).toMatchObject({ code: 0, err: '' });
  expect(JSON.parse(result.out)).toEqual({
    request: expect.objectContaining({ method: 'GET', url: 'https://api.example.com/users?team=a' }),
    response: {
      items: [{ id: 1 }, { id: 2 }],
      next: 'https://api.example.com/users?team=a&page=2',
      body: { team: 'a', count: 2 },
    },
  });
});

test('a mapping that does not render JSON is reported by name, exit 1', async () => {
  const template = file('bad.yaml', 'name: x\nmethod: GET\nurl: https://a.example\nresponse: "id={{ response.body.id }}"\n');
  const result = await cli('render', template, '--response-file', file('r2.json', '{"body": {"id": 1}}'));
  expect(result).toMatchObject({ code: 1, err: expect.stringMatching(/ResponseMappingError: response: the template did not render JSON/) });
});

test('a template without response templates says there is nothing to render from a response', async () => {
  const template = file('plain.yaml', 'name: x\nmethod: GET\nurl: https://a.example\n');
  const result = await cli('render', template, '--response-file', file('r3.json', '{}'));
  expect(result).toMatchObject({ code: 1, err: expect.stringMatching(/neither response nor pagination/) });
});
