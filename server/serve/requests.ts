// Validation of OpenAI request bodies into what the backend needs; every problem is a 400 naming the field.
import type { ChatTurn } from '../protocol';
import { HttpError } from './errors';

interface Sampling {
  maxTokens: number;
  temperature: number;
  topP?: number;
  stop?: string[];
  stream: boolean;
  includeUsage: boolean;
}

export interface ChatCompletionParams extends Sampling {
  messages: ChatTurn[];
}

export interface CompletionParams extends Sampling {
  prompt: string;
  suffix?: string;
}

type Json = Record<string, unknown>;

const DEFAULT_MAX_TOKENS = 256;

/** The request body as a JSON object, or a 400. */
export function parseJsonBody(raw: string): Json {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'request body must be a JSON object');
  return body as Json;
}

function optionalNumber(body: Json, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new HttpError(400, `'${field}' must be a number between ${min} and ${max}`, field);
  }
  return v;
}

function sampling(body: Json): Sampling {
  const maxTokens = optionalNumber(body, 'max_completion_tokens', 1, 1e6) ?? optionalNumber(body, 'max_tokens', 1, 1e6) ?? DEFAULT_MAX_TOKENS;
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw new HttpError(400, `'n' must be 1: one model instance answers one choice`, 'n');
  const stop = body.stop;
  let stops: string[] | undefined;
  if (typeof stop === 'string') stops = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) stops = stop as string[];
  else if (stop !== undefined && stop !== null) throw new HttpError(400, `'stop' must be a string or an array of strings`, 'stop');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw new HttpError(400, `'stream' must be a boolean`, 'stream');
  const so = body.stream_options as Json | undefined | null;
  return {
    maxTokens: Math.floor(maxTokens),
    temperature: optionalNumber(body, 'temperature', 0, 2) ?? 1,
    topP: optionalNumber(body, 'top_p', 0, 1),
    stop: stops,
    stream: body.stream === true,
    includeUsage: typeof so === 'object' && so !== null && so.include_usage === true,
  };
}

/** Message content: a string or an array of text parts. */
function messageText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part, j) => {
      const p = part as Json;
      if (p?.type === 'text' && typeof p.text === 'string') return p.text;
      throw new HttpError(400, `messages[${i}].content[${j}] must be a text part`, `messages[${i}].content`);
    }).join('');
  }
  if (content === null || content === undefined) return '';
  throw new HttpError(400, `messages[${i}].content must be a string or an array of text parts`, `messages[${i}].content`);
}

export function parseChatCompletion(body: Json): ChatCompletionParams {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, `'messages' must be a non-empty array`, 'messages');
  const turns = messages.map((m, i): ChatTurn => {
    const msg = m as Json;
    let role = msg?.role;
    if (role === 'developer') role = 'system';
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new HttpError(400, `messages[${i}].role must be 'system', 'user' or 'assistant'`, `messages[${i}].role`);
    }
    return { role, content: messageText(msg.content, i) };
  });
  return { messages: turns, ...sampling(body) };
}

export function parseCompletion(body: Json): CompletionParams {
  let prompt = body.prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') prompt = prompt[0];
  if (typeof prompt !== 'string') throw new HttpError(400, `'prompt' must be a string (token arrays and batches are not supported)`, 'prompt');
  const suffix = body.suffix;
  if (suffix !== undefined && suffix !== null && typeof suffix !== 'string') throw new HttpError(400, `'suffix' must be a string`, 'suffix');
  return { prompt, suffix: typeof suffix === 'string' ? suffix : undefined, ...sampling(body) };
}
