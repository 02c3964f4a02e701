// A Distributed Map's ItemReader over one S3 object (`arn:aws:states:::s3:getObject`): the object
// read from the local S3 and turned into items by ReaderConfig.InputType, as Step Functions does
// (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html).
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { csvRows } from './csv-rows';
import { type EvaluationContext, PayloadTemplate } from './payload-template';
import { taskError } from './task-handlers';

export const ITEM_READER_FAILED = 'States.ItemReaderFailed';

const DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

export class ItemReader {
  private readonly parameters: PayloadTemplate;
  private readonly inputType: string;
  private readonly maxItems?: number;
  private readonly maxItemsPath?: PayloadTemplate;
  private readonly headerLocation: string;
  private readonly headers?: string[];
  private readonly delimiter: string;

  constructor(private readonly where: string, reader: any) {
    if (reader.Resource !== 'arn:aws:states:::s3:getObject') {
      throw new Error(`${where}: the local runner reads items from one S3 object (arn:aws:states:::s3:getObject), not ${reader.Resource}`);
    }
    const config = reader.ReaderConfig ?? {};
    this.inputType = config.InputType;
    if (!['JSON', 'JSONL', 'CSV'].includes(this.inputType)) {
      throw new Error(`${where}: ReaderConfig.InputType ${JSON.stringify(this.inputType)} is not run locally (JSON, JSONL and CSV are)`);
    }
    if (config.ItemsPointer !== undefined) throw new Error(`${where}: ReaderConfig.ItemsPointer is not run locally`);
    this.parameters = PayloadTemplate.of(reader.Parameters ?? {}, `${where}.Parameters`);
    this.maxItems = config.MaxItems;
    this.maxItemsPath = config.MaxItemsPath === undefined ? undefined : PayloadTemplate.path(config.MaxItemsPath);
    this.headerLocation = config.CSVHeaderLocation ?? 'FIRST_ROW';
    this.headers = config.CSVHeaders;
    this.delimiter = DELIMITERS[config.CSVDelimiter ?? 'COMMA'] ?? ',';
  }

  /** The items of the object the Parameters name, given the Map's effective input, and where they came from (`$$.Map.Item.Source`). */
  public async read(input: unknown, evaluation: EvaluationContext, s3: S3Client | undefined): Promise<{ items: unknown[]; source: string }> {
    const { Bucket, Key, VersionId } = await this.parameters.evaluate(input, evaluation) as Record<string, string>;
    if (s3 === undefined) throw new Error(`${this.where}: no local S3 is running (the template declares no bucket)`);
    let text: string;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
      text = await object.Body!.transformToString('utf8');
    } catch (error) {
      throw taskError(ITEM_READER_FAILED, `Failed to read s3://${Bucket}/${Key}: ${(error as Error).name}: ${(error as Error).message}`);
    }
    const items = this.parse(text, `s3://${Bucket}/${Key}`);
    const limit = this.maxItemsPath ? Number(await this.maxItemsPath.evaluate(input, evaluation)) : this.maxItems ?? 0;
    if (!Number.isInteger(limit)) throw taskError('States.Runtime', `The MaxItemsPath field refers to value "${limit}" which is not a valid integer`);
    if (limit < 0) throw taskError(ITEM_READER_FAILED, 'field MaxItems must be positive');
    // 0 reads every item; above the 100,000,000 quota, too.
    return { items: limit > 0 ? items.slice(0, limit) : items, source: `S3://${Bucket}/${Key}` };
  }

  private parse(text: string, source: string): unknown[] {
    const fail = (why: string) => taskError(ITEM_READER_FAILED, `${source} is not valid ${this.inputType}: ${why}`);
    switch (this.inputType) {
      case 'JSON': {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw fail((error as Error).message);
        }
        if (!Array.isArray(value)) throw taskError(ITEM_READER_FAILED, 'Attempting to map over non-iterable node.');
        return value;
      }
      case 'JSONL':
        return text.split(/\r?\n/).filter(line => line.trim() !== '').map((line, n) => {
          try {
            return JSON.parse(line);
          } catch (error) {
            throw fail(`line ${n + 1}: ${(error as Error).message}`);
          }
        });
      default: {
        let rows: string[][];
        try {
          rows = csvRows(text, this.delimiter);
        } catch (error) {
          throw fail((error as Error).message);
        }
        const headers = this.headerLocation === 'GIVEN' ? this.headers ?? [] : rows.shift() ?? [];
        if (new Set(headers).size !== headers.length) throw taskError(ITEM_READER_FAILED, 'CSV headers cannot contain duplicates.');
        // A short row gets empty strings, a long row's extra fields are skipped.
        return rows.map(row => Object.fromEntries(headers.map((header, i) => [header, row[i] ?? ''])));
      }
    }
  }
}
