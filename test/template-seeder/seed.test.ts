// The seeding custom resource's Lambda against dynalite: validation before any write, batches,
// updates that delete removed templates, deletes, and the CloudFormation response protocol.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LocalDynamoDb } from '../../cli-src/local-runner/local-dynamodb';
import { handler } from '../../lambda-src/template-seeder/index';
import { BATCH_SIZE, seed, type SeedingEvent, validTemplates } from '../../lambda-src/template-seeder/seed';

let db: LocalDynamoDb;
let tableCount = 0;

beforeAll(async () => {
  db = await LocalDynamoDb.start();
});

afterAll(async () => {
  await db.close();
});

async function newTable(): Promise<string> {
  const tableName = `templates-${++tableCount}`;
  await db.client.send(new CreateTableCommand({
    TableName: tableName,
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  return tableName;
}

async function items(tableName: string): Promise<Array<Record<string, unknown>>> {
  const output = await db.client.send(new ScanCommand({ TableName: tableName }));
  return (output.Items ?? []).map((item) => unmarshall(item)).sort((a, b) => `${a.PK} ${a.SK}`.localeCompare(`${b.PK} ${b.SK}`));
}

function template(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { PK: name, SK: 'GET', url: `https://api.example.com/${name}/{{ id }}`, ...extra };
}

function event(requestType: SeedingEvent['RequestType'], tableName: string, templates: unknown[], old?: unknown[], physicalId?: string): SeedingEvent {
  return {
    RequestType: requestType,
    LogicalResourceId: 'CallerTemplates',
    PhysicalResourceId: physicalId ?? (requestType === 'Create' ? undefined : `CallerTemplates@${tableName}`),
    ResourceProperties: { ServiceToken: 'arn', TableName: tableName, Templates: templates },
    OldResourceProperties: old === undefined ? undefined : { ServiceToken: 'arn', TableName: tableName, Templates: old },
  };
}

describe('seed', () => {
  test('Create writes every template as the item the renderer reads (timeout back to a number)', async () => {
    const tableName = await newTable();
    const result = await seed(event('Create', tableName, [
      template('a', { headers: { Accept: 'application/json' }, timeoutMs: '1500', description: 'A' }),
      { ...template('b'), SK: 'POST', payload: '{{ body | tojson }}' },
    ]), db.client);
    expect(result).toEqual({ physicalResourceId: `CallerTemplates@${tableName}`, written: 2, deleted: 0 });
    expect(await items(tableName)).toEqual([
      { PK: 'a', SK: 'GET', url: 'https://api.example.com/a/{{ id }}', headers: { Accept: 'application/json' }, timeoutMs: 1500, description: 'A' },
      { PK: 'b', SK: 'POST', url: 'https://api.example.com/b/{{ id }}', payload: '{{ body | tojson }}' },
    ]);
  });

  test(`writes more than ${BATCH_SIZE} templates in batches of ${BATCH_SIZE}`, async () => {
    const tableName = await newTable();
    const many = Array.from({ length: 2 * BATCH_SIZE + 7 }, (_, i) => template(`t${String(i).padStart(3, '0')}`));
    const sent: number[] = [];
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    client.middlewareStack.add((next) => async (args: any) => {
      sent.push(args.input.RequestItems[tableName].length);
      return next(args);
    }, { step: 'initialize' });
    await seed(event('Create', tableName, many), client);
    client.destroy();
    expect(sent).toEqual([25, 25, 7]);
    expect(await items(tableName)).toHaveLength(57);
  });

  test('retries UnprocessedItems until DynamoDB takes them', async () => {
    const tableName = await newTable();
    let calls = 0;
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    // The first answer hands back all but the first request as unprocessed, as a throttled table does.
    client.middlewareStack.add((next) => async (args: any) => {
      const result: any = await next(args);
      if (++calls === 1) {
        const requests = args.input.RequestItems[tableName];
        result.output.UnprocessedItems = { [tableName]: requests.slice(1) };
      }
      return result;
    }, { step: 'initialize' });
    await seed(event('Create', tableName, [template('a'), template('b'), template('c')]), client, { backoffMs: () => 1 });
    client.destroy();
    expect(calls).toBe(2);
    expect((await items(tableName)).map((i) => i.PK)).toEqual(['a', 'b', 'c']);
  });

  test('Update writes the new list and deletes templates that left it, leaving others alone', async () => {
    const tableName = await newTable();
    await seed(event('Create', tableName, [template('keep'), template('drop')]), db.client);
    await db.client.send(new PutItemCommand({ TableName: tableName, Item: marshall(template('not-ours')) }));
    const result = await seed(event('Update', tableName, [template('keep', { url: 'https://new.example/{{ id }}' }), template('new')], [template('keep'), template('drop')]), db.client);
    expect(result).toMatchObject({ written: 2, deleted: 1 });
    expect((await items(tableName)).map((i) => [i.PK, i.url])).toEqual([
      ['keep', 'https://new.example/{{ id }}'], ['new', 'https://api.example.com/new/{{ id }}'], ['not-ours', 'https://api.example.com/not-ours/{{ id }}'],
    ]);
  });

  test('Update to another table writes there and leaves the old table to the Delete CloudFormation sends', async () => {
    const oldTable = await newTable();
    const newTableName = await newTable();
    await seed(event('Create', oldTable, [template('a')]), db.client);
    const result = await seed({ ...event('Update', newTableName, [template('a')], [template('a')]), PhysicalResourceId: `CallerTemplates@${oldTable}` }, db.client);
    expect(result).toEqual({ physicalResourceId: `CallerTemplates@${newTableName}`, written: 1, deleted: 0 });
    expect(await items(oldTable)).toHaveLength(1);
    expect(await items(newTableName)).toHaveLength(1);
  });

  test('Delete removes the templates it wrote; a table already gone is not an error', async () => {
    const tableName = await newTable();
    await seed(event('Create', tableName, [template('a'), template('b')]), db.client);
    expect(await seed(event('Delete', tableName, [template('a'), template('b')]), db.client)).toMatchObject({ deleted: 2 });
    expect(await items(tableName)).toEqual([]);
    expect(await seed(event('Delete', 'no-such-table', [template('a')]), db.client)).toMatchObject({ deleted: 0 });
  });

  test('Delete after a failed Create (another physical id) deletes nothing', async () => {
    const tableName = await newTable();
    await seed(event('Create', tableName, [template('a')]), db.client);
    expect(await seed(event('Delete', tableName, [template('a')], undefined, 'CallerTemplates@failed-1'), db.client)).toMatchObject({ deleted: 0 });
    expect(await items(tableName)).toHaveLength(1);
  });

  test('an invalid template stops the whole Create before anything is written', async () => {
    const tableName = await newTable();
    await expect(seed(event('Create', tableName, [template('good'), template('bad', { payload: 'x', SK: 'POST', url: 'https://a/{{ id ) }}' })]), db.client))
      .rejects.toThrow(/template 2 \('bad' POST\): url: .*\(line 1, column \d+\)/);
    expect(await items(tableName)).toEqual([]);
  });
});

describe('validTemplates', () => {
  const problems = (templates: unknown[]) => {
    try {
      validTemplates({ TableName: 't', Templates: templates });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  test('lists every problem with template, part and line', () => {
    const message = problems([
      template('a', { headers: { Authorization: 'Bearer {{ token | }}' } }),
      { PK: 'b', SK: 'POST', url: 'https://b.example', payload: '{\n  "id": {{ id }},\n  {% if %}\n}' },
      template('c', { SK: 'FETCH' }),
      template('a'),
      { PK: 'd', SK: 'GET' },
      { SK: 'GET', url: 'https://x' },
    ]);
    expect(message).toMatch(/^6 invalid templates, none written:/);
    expect(message).toMatch(/template 1 \('a' GET\): header Authorization: .*\(line 1, column \d+\)/);
    expect(message).toMatch(/template 2 \('b' POST\): payload: .*\(line 3, column \d+\)/);
    expect(message).toMatch(/template 3 \('c' FETCH\): attribute SK must be one of GET, HEAD/);
    expect(message).toMatch(/template 4 \('a' GET\): defined twice/);
    expect(message).toMatch(/template 5 \('d' GET\): attribute url is missing or empty/);
    expect(message).toMatch(/template 6 \('' GET\): attribute PK is missing or empty/);
  });

  test('valid templates pass', () => {
    expect(problems([template('a'), template('b', { payload: undefined })])).toBe('');
  });

  test('refuses properties that are not a template list', () => {
    expect(problems('nope' as unknown as unknown[])).toMatch(/property Templates must be a list of template items/);
  });
});

describe('handler (CloudFormation custom resource protocol)', () => {
  let responses: Array<Record<string, unknown>>;
  let server: http.Server;
  let responseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        responses.push({ method: req.method, path: req.url, ...JSON.parse(body) });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?signed=1`;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.AWS_REGION = 'local-1';
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  });

  // The handler's JSON log lines (its CloudWatch logs), captured and asserted on, not printed.
  let logged: Array<Record<string, unknown>>;
  let stdoutWrite: jest.SpyInstance;
  beforeEach(() => {
    responses = [];
    logged = [];
    stdoutWrite = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(...String(chunk).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)));
      return true;
    });
  });
  afterEach(() => stdoutWrite.mockRestore());

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[name];
  });

  const cfnEvent = (seeding: SeedingEvent) => ({ ...seeding, ResponseURL: responseUrl, StackId: 'stack', RequestId: 'req-1' });

  test('answers SUCCESS with the physical id and counts', async () => {
    const tableName = await newTable();
    await handler(cfnEvent(event('Create', tableName, [template('a')])), { getRemainingTimeInMillis: () => 60_000 });
    expect(responses).toEqual([{
      method: 'PUT',
      path: '/response?signed=1',
      Status: 'SUCCESS',
      Reason: 'SUCCESS',
      PhysicalResourceId: `CallerTemplates@${tableName}`,
      StackId: 'stack',
      RequestId: 'req-1',
      LogicalResourceId: 'CallerTemplates',
      Data: { Written: 1, Deleted: 0 },
    }]);
    expect(logged).toEqual([{
      level: 'INFO', message: 'template seeding', requestType: 'Create', physicalResourceId: `CallerTemplates@${tableName}`, written: 1, deleted: 0,
    }]);
  });

  test('answers FAILED with the reason naming template, part and line, and a physical id of its own', async () => {
    const tableName = await newTable();
    await handler(cfnEvent(event('Create', tableName, [template('a', { url: 'https://a/{% for %}' })])), { getRemainingTimeInMillis: () => 60_000 });
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'CallerTemplates@failed-req-1' });
    expect(responses[0].Reason).toMatch(/^TemplateSeedingError: 1 invalid template, none written:\ntemplate 1 \('a' GET\): url: .*line 1/);
    expect(await items(tableName)).toEqual([]);
    expect(logged).toEqual([{
      level: 'ERROR', message: 'template seeding', requestType: 'Create', error: expect.stringMatching(/^TemplateSeedingError: 1 invalid template, none written:\ntemplate 1 \('a' GET\): url: /),
    }]);
  });

  test('answers FAILED before the function would be stopped', async () => {
    const tableName = await newTable();
    const many = Array.from({ length: 200 }, (_, i) => template(`t${i}`));
    await handler(cfnEvent(event('Create', tableName, many)), { getRemainingTimeInMillis: () => 10_001 });
    expect(responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: 'Error: the template seeder ran out of time' })]);
    expect(logged).toEqual([{ level: 'ERROR', message: 'template seeding', requestType: 'Create', error: 'Error: the template seeder ran out of time' }]);
  });
});
