/**
 * Request bodies: read with a size cap, parsed as JSON, validated with the zod schemas of
 * shared/amigo, and zod's issues translated to the pydantic error types FastAPI reports.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { ValidationIssue } from './errors';
import { HttpError, ValidationError } from './errors';

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'Request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const PLURAL = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function translate(issue: z.core.$ZodIssue): ValidationIssue {
  const loc = ['body', ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return { type: 'missing', loc, msg: 'Field required', input: null };
      const types: Record<string, [string, string]> = {
        string: ['string_type', 'Input should be a valid string'],
        number: ['float_type', 'Input should be a valid number'],
        int: ['int_type', 'Input should be a valid integer'],
        boolean: ['bool_type', 'Input should be a valid boolean'],
        object: ['dict_type', 'Input should be a valid dictionary'],
        record: ['dict_type', 'Input should be a valid dictionary'],
        array: ['list_type', 'Input should be a valid list'],
      };
      const [type, msg] = types[issue.expected] ?? ['value_error', issue.message];
      return { type, loc, msg, input };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') {
        const actual = Array.isArray(input) ? input.length : max + 1;
        return {
          type: 'too_long',
          loc,
          msg: `List should have at most ${PLURAL(max, 'item')} after validation, not ${actual}`,
          input,
          ctx: { field_type: 'List', max_length: max, actual_length: actual },
        };
      }
      if (issue.origin === 'string') {
        return {
          type: 'string_too_long',
          loc,
          msg: `String should have at most ${PLURAL(max, 'character')}`,
          input,
          ctx: { max_length: max },
        };
      }
      return {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${max}`,
        input,
        ctx: { le: max },
      };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') {
        const actual = Array.isArray(input) ? input.length : 0;
        return {
          type: 'too_short',
          loc,
          msg: `List should have at least ${PLURAL(min, 'item')} after validation, not ${actual}`,
          input,
          ctx: { field_type: 'List', min_length: min, actual_length: actual },
        };
      }
      if (issue.origin === 'string') {
        return {
          type: 'string_too_short',
          loc,
          msg: `String should have at least ${PLURAL(min, 'character')}`,
          input,
          ctx: { min_length: min },
        };
      }
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${min}`,
        input,
        ctx: { ge: min },
      };
    }
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid') {
        return {
          type: 'uuid_parsing',
          loc,
          msg: 'Input should be a valid UUID, invalid character',
          input,
          ctx: { error: 'invalid character' },
        };
      }
      if (issue.format === 'datetime') {
        return {
          type: 'datetime_from_date_parsing',
          loc,
          msg: 'Input should be a valid datetime or date, invalid character in year',
          input,
          ctx: { error: 'invalid character in year' },
        };
      }
      return { type: 'string_pattern_mismatch', loc, msg: issue.message, input };
    case 'invalid_value': {
      const expected = issue.values.map((v) => `'${String(v)}'`).join(', ');
      return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    default:
      return { type: 'value_error', loc, msg: issue.message, input };
  }
}

/** Parses and validates a JSON body; a body FastAPI would refuse gets the same 422. */
export function parseJsonBody<S extends z.ZodType>(
  schema: S,
  raw: Buffer,
  contentType: string | undefined,
): z.output<S> {
  if (raw.length === 0)
    throw new ValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  if (!/^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType ?? '')) {
    throw new ValidationError([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: raw.toString('utf8').slice(0, 200),
      },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    const error = err instanceof Error ? err.message : 'Expecting value';
    throw new ValidationError([
      { type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error } },
    ]);
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError(result.error.issues.map(translate));
  return result.data;
}
